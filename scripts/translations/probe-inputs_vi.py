"""Vietnamese for the bad-input probe (refused text, stored numbers); used with scripts/fill_po.py."""

VI = {
    "The text cannot contain the character U+0000 (NUL): remove it and save again.": "Nội dung không được chứa ký tự U+0000 (NUL): hãy xoá ký tự đó rồi lưu lại.",
}
