"""Vietnamese for issue 11 (accounts, grants, error pages); used with scripts/fill_po.py (make messages)."""

VI = {
    # accounts: grants and the audited change
    "You may not change this account.": "Bạn không được thay đổi tài khoản này.",
    "You may not grant the role %(role)s.": "Bạn không được cấp vai trò %(role)s.",
    "you may not grant the role %(value)s": "bạn không được cấp vai trò %(value)s",
    "Can create and change agency accounts": "Được tạo và thay đổi tài khoản của cơ quan",
    "The account %(username)s was saved.": "Đã lưu tài khoản %(username)s.",
    # accounts: the form and pages
    "Role": "Vai trò",
    "Agency": "Cơ quan",
    "Active (may log in)": "Đang hoạt động (được đăng nhập)",
    "Reason": "Lý do",
    "Agency accounts": "Tài khoản của cơ quan",
    "Username": "Tên đăng nhập",
    "Name": "Họ và tên",
    "Active": "Hoạt động",
    "deactivated": "đã khóa",
    "Change": "Thay đổi",
    "No agency accounts yet.": "Chưa có tài khoản nào của cơ quan.",
    "Save": "Lưu",
    "History": "Lịch sử",
    "system": "hệ thống",
    "created": "tạo mới",
    "No recorded changes.": "Chưa có thay đổi nào được ghi lại.",
    # error pages
    "Page not found": "Không tìm thấy trang",
    "The page does not exist, or you may not see it.": "Trang không tồn tại, hoặc bạn không có quyền xem.",
    "Back to the home page": "Về trang chủ",
    "Access denied": "Không có quyền truy cập",
    "Your account may not use this page. If you need it, ask the Department of Home Affairs.": (
        "Tài khoản của bạn không được dùng trang này. Nếu cần, xin liên hệ Sở Nội vụ."
    ),
    "Server error": "Lỗi máy chủ",
    "Something went wrong on our side and it has been recorded. Please try again in a few minutes; "
    "nothing you saved before is lost.": (
        "Hệ thống gặp lỗi và lỗi đã được ghi lại. Xin thử lại sau ít phút; những gì bạn đã lưu trước đó "
        "không bị mất."
    ),
}
