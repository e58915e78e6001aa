"""Vietnamese for the API's criteria import and measured-data storing (issue 16, api16b); used with
scripts/fill_po.py."""

VI = {
    "You cannot import criteria sets.": "Bạn không có quyền nhập bộ tiêu chí.",
    "%(period)s/%(block)s already has a criteria set: replace it, or leave it.": (
        "%(period)s/%(block)s đã có bộ tiêu chí: hãy chọn thay thế, hoặc giữ nguyên."
    ),
    "The criteria sets": "Bộ tiêu chí",
    "The document was refused: %(count)s problems.": "Tài liệu bị từ chối: %(count)s lỗi.",
    "The file is not UTF-8 JSON.": "Tệp không phải JSON mã hóa UTF-8.",
    "A criteria document is at most 8 MB.": "Tài liệu bộ tiêu chí tối đa 8 MB.",
}
