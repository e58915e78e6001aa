"""Writers: the report tables as HTML/PDF (WeasyPrint) and XLSX (openpyxl), the draft report as DOCX
(python-docx) and the bundle as ZIP. Each writes the same bytes for the same snapshot and settings."""
