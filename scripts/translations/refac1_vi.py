"""Vietnamese for the msgids added on the refac1 branch (one home for each rule, issue 13)."""

VI = {
    "The window of this round has not been set.": "Chưa đặt thời hạn cho vòng này.",
    "Only Home Affairs aggregates the survey values.": "Chỉ Sở Nội vụ tổng hợp giá trị điều tra xã hội học.",
    "Can enter, import and follow survey responses": "Được nhập, nhập tệp và theo dõi phiếu điều tra",
    "survey aggregation": "lần tổng hợp điều tra",
    "survey aggregations": "các lần tổng hợp điều tra",
    "values written": "số giá trị đã ghi",
    "values removed": "số giá trị đã xoá",
}
