"""Vietnamese for the bad-input probe (refused text, stored numbers); used with scripts/fill_po.py."""

VI = {
    "The text cannot contain the character U+0000 (NUL): remove it and save again.": "Nội dung không được chứa ký tự U+0000 (NUL): hãy xoá ký tự đó rồi lưu lại.",
    "%(what)s: “%(text)s” is not a number; write it like %(example)s.": "%(what)s: “%(text)s” không phải là số; hãy viết như %(example)s.",
    "%(what)s: %(text)s has more than %(places)s decimal places.": "%(what)s: %(text)s có nhiều hơn %(places)s chữ số thập phân.",
    "%(what)s: %(text)s is too large.": "%(what)s: %(text)s quá lớn.",
    "the counted events must be a whole number": "số lần vi phạm phải là số nguyên",
    "the %(field)s holds the control character U+%(char)s, which cannot be stored or exported; remove it": "%(field)s chứa ký tự điều khiển U+%(char)s, không thể lưu hay xuất ra tệp; hãy xoá ký tự này",
    "label of level %(key)s": "tên mức %(key)s",
    "the username %(name)s may hold only letters, digits and @ . + - _": "tên đăng nhập %(name)s chỉ được gồm chữ cái, chữ số và các ký tự @ . + - _",
    "at most %(limit)s characters (this has %(count)s)": "tối đa %(limit)s ký tự (ô này có %(count)s)",
    "the cell holds the character U+0000 (NUL)": "ô chứa ký tự U+0000 (NUL)",
    # Django's form messages its Vietnamese catalog leaves empty (parindex/django_messages.py)
    "Null characters are not allowed.": "Không được chứa ký tự rỗng (U+0000).",
    "Enter a valid JSON.": "Hãy nhập JSON hợp lệ.",
    "Enter a complete value.": "Hãy nhập đầy đủ giá trị.",
    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.": "Hãy nhập một mã hợp lệ, chỉ gồm chữ cái không dấu, chữ số, dấu gạch dưới hoặc gạch ngang.",
    "“%(pk)s” is not a valid value.": "“%(pk)s” không phải là giá trị hợp lệ.",
    "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may need to file a bug report if the issue persists.": "Thiếu dữ liệu quản lý của biểu mẫu hoặc dữ liệu đã bị sửa. Thiếu các trường: %(field_names)s. Nếu lỗi còn lặp lại, hãy báo cho quản trị hệ thống.",
    # criteria documents: values of the wrong type or size (scoring/formats/document.py)
    "%(what)s %(value)s is too large": "%(what)s %(value)s quá lớn",
    "%(what)s %(value)s has more than %(places)s decimal places": "%(what)s %(value)s có nhiều hơn %(places)s chữ số thập phân",
    "the %(field)s must be text": "%(field)s phải là văn bản",
    # measured data (measures/services.py)
    "%(value)s is too large.": "%(value)s quá lớn.",
    "%(value)s has more than %(places)s decimal places.": "%(value)s có nhiều hơn %(places)s chữ số thập phân.",
    "The cell holds the character U+0000 (NUL).": "Ô chứa ký tự U+0000 (NUL).",
    "The source document cannot contain the character U+0000 (NUL).": "Văn bản nguồn không được chứa ký tự U+0000 (NUL).",
    "the serial number holds the invisible character U+%(char)s": "số phiếu chứa ký tự ẩn U+%(char)s",
    "The text holds a control character (often pasted from a document); remove it.": "Nội dung chứa ký tự điều khiển (thường do dán từ văn bản khác); hãy xoá ký tự đó.",
}
