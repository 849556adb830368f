-- SPDX-License-Identifier: GPL-2.0-or-later
-- SWUpdate loads its Lua handlers from the one module "swupdate_handlers". An image that has
-- its own keeps it and adds this line to it instead.
require("onemo_firmware_swupdate")
