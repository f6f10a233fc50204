"""Question banks: load and validate them (``load``), import documents (``importer``), export."""
