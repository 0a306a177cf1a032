//! The allocation table (工作任务分工表) as a spreadsheet: export (xlsx) and reading a table
//! for a plan import (xlsx or CSV). (in progress)
