"""Vietnamese for hostile files (limits on imported XLSX/CSV), import jobs of the API and of accounts;
used with scripts/fill_po.py."""

VI = {
    # parindex/safe_files.py: a file refused before it is parsed
    "the file holds %(count)s parts; at most %(limit)s are accepted": "tệp chứa %(count)s thành phần; chỉ chấp nhận tối đa %(limit)s",
    "the part %(name)s expands to %(size)s; at most %(limit)s are accepted": "thành phần %(name)s khi giải nén có dung lượng %(size)s; chỉ chấp nhận tối đa %(limit)s",
    "the part %(name)s expands %(ratio)s times its packed size; at most %(limit)s times is accepted (ordinary workbooks stay under 20)": "thành phần %(name)s khi giải nén lớn gấp %(ratio)s lần dung lượng nén; chỉ chấp nhận tối đa %(limit)s lần (tệp Excel thông thường dưới 20 lần)",
    "the workbook expands to %(size)s; at most %(limit)s are accepted": "tệp Excel khi giải nén có dung lượng %(size)s; chỉ chấp nhận tối đa %(limit)s",
    "the sheet %(sheet)s declares %(rows)s rows; at most %(limit)s are accepted": "trang tính %(sheet)s khai báo %(rows)s dòng; chỉ chấp nhận tối đa %(limit)s dòng",
    "the sheet %(sheet)s declares %(columns)s columns; at most %(limit)s are accepted": "trang tính %(sheet)s khai báo %(columns)s cột; chỉ chấp nhận tối đa %(limit)s cột",
    "the sheet %(sheet)s has more than %(limit)s rows; at most %(limit)s are accepted": "trang tính %(sheet)s có hơn %(limit)s dòng; chỉ chấp nhận tối đa %(limit)s dòng",
    "row %(row)s has more than %(limit)s columns; at most %(limit)s are accepted": "dòng %(row)s có hơn %(limit)s cột; chỉ chấp nhận tối đa %(limit)s cột",
    "the CSV file is %(size)s; at most %(limit)s are accepted": "tệp CSV có dung lượng %(size)s; chỉ chấp nhận tối đa %(limit)s",
    "the file has more than %(limit)s rows; at most %(limit)s are accepted": "tệp có hơn %(limit)s dòng; chỉ chấp nhận tối đa %(limit)s dòng",
    # surveys/api.py: the import job
    "Where to poll the job's progress.": "Địa chỉ để theo dõi tiến độ của lượt nhập.",
    "Every problem of a refused file.": "Mọi lỗi của tệp bị từ chối.",
    # accounts: the import job
    "file: %(message)s": "tệp: %(message)s",
    "Accounts created": "Đã tạo tài khoản",
    "accounts created": "số tài khoản đã tạo",
    "account import": "lượt nhập tài khoản",
    "account imports": "các lượt nhập tài khoản",
    "Every row is checked first; the accounts are created only if no row has a problem.": "Mọi dòng được kiểm tra trước; tài khoản chỉ được tạo khi không dòng nào có lỗi.",
    "The import stopped because of an error; no account was created. Try again, or tell the administrator.": "Việc nhập bị dừng do lỗi; chưa tài khoản nào được tạo. Hãy thử lại hoặc báo quản trị viên.",
    # plurals (Vietnamese has one form)
    "%(count)s account created; it was e-mailed a link to choose a password.": "Đã tạo %(count)s tài khoản; mỗi tài khoản đã được gửi thư điện tử kèm đường dẫn để đặt mật khẩu.",
}
