"""Word documents: the only code that imports python-docx (besides the docx importer)."""
