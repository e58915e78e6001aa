"""Vietnamese for the names the policy gives each object in a refusal (agencies/policy.py WHAT)."""

VI = {
    "The appraisal inbox": "Danh sách thẩm định",
    "The appraisal review": "Bảng tổng hợp thẩm định",
    "The period's workflow": "Quy trình của kỳ đánh giá",
    "The survey links": "Các đường dẫn khảo sát",
    "The survey values": "Điểm khảo sát",
    "The computation": "Việc tính kết quả",
    "The publication": "Việc công bố",
    "The evidence checks": "Việc kiểm tra tài liệu kiểm chứng",
    "The evidence search": "Tìm kiếm tài liệu kiểm chứng",
    "The results": "Kết quả",
    "API clients": "Ứng dụng dùng API",
    "revision": "phiên bản",
    "No": "Không",
    "Yes": "Có",
}
