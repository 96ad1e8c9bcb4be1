use crate::error::Result; use crate::package::Package; use roundbook_ledger::Book;
pub struct ExportOptions; pub fn export_package(_b:&Book,_o:&ExportOptions)->Result<Package>{ todo!() }
