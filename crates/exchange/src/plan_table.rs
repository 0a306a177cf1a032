//! Reading an allocation table (xlsx or CSV, UTF-8 or GBK) into rows for a plan import.
//! (in progress)
