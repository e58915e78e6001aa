"""Vietnamese for issue 15: evidence checks (signatures, duplicates, dates), search, trusted roots."""

VI = {
    # models
    "Checked": "Đã kiểm tra",
    "Not checked": "Chưa kiểm tra được",
    "Not signed": "Chưa ký số",
    "Signed, signer verified": "Đã ký số, xác thực được người ký",
    "Signed, signer not verified": "Đã ký số, chưa xác thực được người ký",
    "Certificate not valid when signed": "Chứng thư số không còn hiệu lực khi ký",
    "Changed after signing": "Bị sửa sau khi ký",
    "Signature invalid": "Chữ ký số không hợp lệ",
    "Could not be read": "Không đọc được tệp",
    "signature": "chữ ký số",
    "signer": "người ký",
    "signer's organisation": "cơ quan của người ký",
    "signed at": "thời điểm ký",
    "signatures": "các chữ ký số",
    "error": "lỗi",
    "attempts": "số lần kiểm tra",
    "evidence check": "kết quả kiểm tra tài liệu",
    "evidence checks": "kết quả kiểm tra tài liệu",
    "subject": "chủ thể",
    "SHA-256 fingerprint": "dấu vân tay SHA-256",
    "certificate (DER)": "chứng thư số (DER)",
    "valid until": "hiệu lực đến",
    "added by": "người thêm",
    "added at": "thời điểm thêm",
    "trusted root certificate": "chứng thư số gốc tin cậy",
    "trusted root certificates": "các chứng thư số gốc tin cậy",
    # services and views
    "The file is not a certificate (PEM or DER).": "Tệp không phải là chứng thư số (PEM hoặc DER).",
    "The certificate is not a root (it is not self-signed by a certificate authority).": (
        "Chứng thư số này không phải chứng thư gốc (không do tổ chức chứng thực tự ký)."
    ),
    "This root certificate is already trusted.": "Chứng thư số gốc này đã được tin cậy.",
    "The file %(name)s will be checked again in a moment.": "Tệp %(name)s sẽ được kiểm tra lại trong giây lát.",
    "The root certificate %(name)s is trusted; signed files are being checked again.": (
        "Đã tin cậy chứng thư số gốc %(name)s; các tệp đã ký số đang được kiểm tra lại."
    ),
    "The root certificate %(name)s is no longer trusted.": "Không còn tin cậy chứng thư số gốc %(name)s.",
    "Root certificate (.cer, .crt, .pem)": "Chứng thư số gốc (.cer, .crt, .pem)",
    "Name shown": "Tên hiển thị",
    "The trusted root certificates": "Danh sách chứng thư số gốc tin cậy",
    # badges
    "Check again": "Kiểm tra lại",
    "Signer": "Người ký",
    "Organisation": "Cơ quan",
    "Signed at": "Thời điểm ký",
    "Unchanged since signing": "Không bị sửa sau khi ký",
    "Signer verified": "Xác thực người ký",
    "Yes, by a trusted root": "Có, theo chứng thư gốc tin cậy",
    "No: the certificate was not valid at the signing time": "Không: chứng thư số không còn hiệu lực lúc ký",
    "Also uploaded by %(names)s": "Cũng được %(names)s tải lên",
    "and another agency": "và một cơ quan khác",
    "Also uploaded by another agency": "Cũng được một cơ quan khác tải lên",
    "Signed %(day)s, outside the year assessed": "Ký ngày %(day)s, ngoài năm đánh giá",
    "Dated %(day)s, outside the year assessed": "Ban hành ngày %(day)s, ngoài năm đánh giá",
    # inbox
    "Any evidence": "Mọi tài liệu",
    "Evidence not signed": "Tài liệu chưa ký số",
    # search
    "Search evidence": "Tìm tài liệu",
    "Searches the text of the PDF, Word and Excel files you may see. Accents are optional (“ke hoach” finds “kế hoạch”); put a phrase in quotes to find it word for word.": (
        "Tìm trong nội dung các tệp PDF, Word, Excel mà anh/chị được xem. Có thể gõ không dấu (“ke hoach” "
        "tìm được “kế hoạch”); đặt cụm từ trong ngoặc kép để tìm đúng cụm từ."
    ),
    "Words to find": "Từ cần tìm",
    "e.g. kế hoạch cải cách hành chính": "ví dụ: kế hoạch cải cách hành chính",
    "Search": "Tìm kiếm",
    "Type at least two characters.": "Gõ ít nhất hai ký tự.",
    "%(n)s file found": "Tìm thấy %(n)s tệp",
    "%(n)s files found": "Tìm thấy %(n)s tệp",
    "(the first %(limit)s; narrow the words to see others)": "(%(limit)s tệp đầu; thu hẹp từ khóa để xem thêm)",
    "Criterion %(code)s": "Tiêu chí %(code)s",
    "Not attached to any criterion you may see.": "Không gắn với tiêu chí nào anh/chị được xem.",
    "No file you may see contains these words.": "Không có tệp nào anh/chị được xem chứa các từ này.",
    # trusted roots page
    "Trusted root certificates": "Chứng thư số gốc tin cậy",
    "A signed PDF whose certificate chains to one of these roots shows “signed, signer verified”; otherwise “signed, signer not verified”. Add the roots of the certificate authorities the province trusts. Every change is recorded.": (
        "Tệp PDF có chứng thư số dẫn về một trong các chứng thư gốc này được ghi “đã ký số, xác thực được "
        "người ký”; nếu không, “đã ký số, chưa xác thực được người ký”. Thêm chứng thư gốc của các tổ chức "
        "chứng thực mà tỉnh tin cậy. Mọi thay đổi đều được ghi lại."
    ),
    "Valid until": "Hiệu lực đến",
    "Certificate authority": "Tổ chức chứng thực",
    "Download the PDF": "Tải tệp PDF",
    "Every link of the sample plan has been answered: no form is left to print.": (
        "Mọi đường dẫn của kế hoạch chọn mẫu đã được trả lời: không còn phiếu nào để in."
    ),
    "One form per respondent of the sample plan not answered yet, each with its serial number and the QR code of its one-time link: the respondent answers on paper or on a phone. A paper form typed in later and an answer sent through the link are one response.": (
        "Mỗi người được chọn mẫu chưa trả lời có một phiếu, mang số phiếu và mã QR của đường dẫn dùng một "
        "lần: người trả lời điền trên giấy hoặc trên điện thoại. Phiếu giấy nhập sau và câu trả lời gửi qua "
        "đường dẫn cùng số phiếu chỉ là một phiếu."
    ),
    "%(n)s form ready.": "Đã sẵn sàng %(n)s phiếu.",
    "%(n)s forms ready.": "Đã sẵn sàng %(n)s phiếu.",
    "The forms could not be built; start again.": "Không tạo được phiếu; vui lòng thử lại.",
    "The forms are being built; reload this page in a moment.": "Đang tạo phiếu; tải lại trang sau ít phút.",
    "Ready": "Sẵn sàng",
    "forms": "số phiếu",
    "printed questionnaires": "phiếu khảo sát in",
    "Added on": "Ngày thêm",
    "Stop trusting": "Thôi tin cậy",
    "No root is trusted yet: every signed file shows “signed, signer not verified”.": (
        "Chưa có chứng thư gốc nào được tin cậy: mọi tệp đã ký số đều ghi “đã ký số, chưa xác thực được người ký”."
    ),
    "Add a root certificate": "Thêm chứng thư số gốc",
    "Trust this root": "Tin cậy chứng thư gốc này",
    # printed survey forms
    "Printed forms": "Phiếu in",
    "Print the questionnaires": "In phiếu khảo sát",
    "Scan to answer on a phone, or fill in this form and hand it back sealed.": (
        "Quét mã để trả lời trên điện thoại, hoặc điền phiếu này và nộp lại trong phong bì dán kín."
    ),
}
