namespace Tessera.Finance.Domain;

/// <summary>
/// A line of a statement form. An account line (Sum null) adds the balances of the accounts whose statement code is
/// Code, signed by Nature (debit: debit − credit; credit: credit − debit). A total line adds other lines with signs.
/// </summary>
public sealed record LayoutLine(string Code, string Name, string NameVi, int Level, string Nature, IReadOnlyList<(string Code, int Sign)>? Sum = null)
{
    public bool IsTotal => Sum is not null;
}

/// <summary>
/// The balance sheet and income statement forms of a chart: B01-DN and B02-DN for the Vietnamese chart (line codes
/// of the forms in the appendix of the circular), a statement of financial position and of profit or loss (IAS 1) for
/// the IFRS chart. ResultLine is where the year's unclosed profit shows on the balance sheet, so that it balances on
/// any date; the Key* codes name the income statement's subtotals.
/// </summary>
public sealed record StatementLayout(
    string BalanceSheetForm,
    IReadOnlyList<LayoutLine> BalanceSheet,
    string TotalAssets,
    string TotalClaims,
    string ResultLine,
    string IncomeStatementForm,
    IReadOnlyList<LayoutLine> IncomeStatement,
    string NetRevenue,
    string GrossProfit,
    string NetProfit)
{
    public static StatementLayout For(string chart) => chart == ChartTemplate.Ifrs ? Ifrs : Vietnam;

    private static LayoutLine A(string code, string name, string nameVi, int level) => new(code, name, nameVi, level, Sides.Debit);
    private static LayoutLine L(string code, string name, string nameVi, int level) => new(code, name, nameVi, level, Sides.Credit);

    private static LayoutLine T(string code, string name, string nameVi, int level, params string[] parts) =>
        new(code, name, nameVi, level, Sides.Debit, parts.Select(p => p.StartsWith('-') ? (p[1..], -1) : (p, 1)).ToList());

    public static readonly StatementLayout Vietnam = new(
        "B01-DN",
        [
            T("100", "A. Current assets", "A. TÀI SẢN NGẮN HẠN", 1, "110", "120", "130", "140", "150"),
            A("110", "I. Cash and cash equivalents", "I. Tiền và các khoản tương đương tiền", 2),
            T("120", "II. Short-term financial investments", "II. Đầu tư tài chính ngắn hạn", 2, "121", "122", "123"),
            A("121", "1. Trading securities", "1. Chứng khoán kinh doanh", 3),
            A("122", "2. Allowance for decline in trading securities", "2. Dự phòng giảm giá chứng khoán kinh doanh", 3),
            A("123", "3. Held-to-maturity investments", "3. Đầu tư nắm giữ đến ngày đáo hạn", 3),
            T("130", "III. Short-term receivables", "III. Các khoản phải thu ngắn hạn", 2, "131", "133", "136", "137", "139"),
            A("131", "1. Short-term trade receivables", "1. Phải thu ngắn hạn của khách hàng", 3),
            A("133", "3. Short-term intra-company receivables", "3. Phải thu nội bộ ngắn hạn", 3),
            A("136", "6. Other short-term receivables", "6. Phải thu ngắn hạn khác", 3),
            A("137", "7. Allowance for doubtful short-term receivables", "7. Dự phòng phải thu ngắn hạn khó đòi", 3),
            A("139", "8. Shortage of assets awaiting resolution", "8. Tài sản thiếu chờ xử lý", 3),
            T("140", "IV. Inventories", "IV. Hàng tồn kho", 2, "141", "149"),
            A("141", "1. Inventories", "1. Hàng tồn kho", 3),
            A("149", "2. Allowance for decline in inventories", "2. Dự phòng giảm giá hàng tồn kho", 3),
            T("150", "V. Other current assets", "V. Tài sản ngắn hạn khác", 2, "152"),
            A("152", "2. Deductible VAT", "2. Thuế GTGT được khấu trừ", 3),
            T("200", "B. Non-current assets", "B. TÀI SẢN DÀI HẠN", 1, "220", "230", "240", "250", "260"),
            T("220", "II. Fixed assets", "II. Tài sản cố định", 2, "221", "224", "227"),
            T("221", "1. Tangible fixed assets", "1. Tài sản cố định hữu hình", 3, "222", "223"),
            A("222", "Cost", "Nguyên giá", 4),
            A("223", "Accumulated depreciation", "Giá trị hao mòn lũy kế", 4),
            T("224", "2. Finance-leased fixed assets", "2. Tài sản cố định thuê tài chính", 3, "225", "226"),
            A("225", "Cost", "Nguyên giá", 4),
            A("226", "Accumulated depreciation", "Giá trị hao mòn lũy kế", 4),
            T("227", "3. Intangible fixed assets", "3. Tài sản cố định vô hình", 3, "228", "229"),
            A("228", "Cost", "Nguyên giá", 4),
            A("229", "Accumulated amortisation", "Giá trị hao mòn lũy kế", 4),
            T("230", "III. Investment property", "III. Bất động sản đầu tư", 2, "231", "232"),
            A("231", "Cost", "Nguyên giá", 3),
            A("232", "Accumulated depreciation", "Giá trị hao mòn lũy kế", 3),
            T("240", "IV. Long-term assets in progress", "IV. Tài sản dở dang dài hạn", 2, "242"),
            A("242", "2. Construction in progress", "2. Chi phí xây dựng cơ bản dở dang", 3),
            T("250", "V. Long-term financial investments", "V. Đầu tư tài chính dài hạn", 2, "251", "252", "253", "254"),
            A("251", "1. Investments in subsidiaries", "1. Đầu tư vào công ty con", 3),
            A("252", "2. Investments in joint ventures and associates", "2. Đầu tư vào công ty liên doanh, liên kết", 3),
            A("253", "3. Equity investments in other entities", "3. Đầu tư góp vốn vào đơn vị khác", 3),
            A("254", "4. Allowance for long-term financial investments", "4. Dự phòng đầu tư tài chính dài hạn", 3),
            T("260", "VI. Other non-current assets", "VI. Tài sản dài hạn khác", 2, "261", "262", "268"),
            A("261", "1. Long-term expenses awaiting allocation", "1. Chi phí chờ phân bổ dài hạn", 3),
            A("262", "2. Deferred income tax assets", "2. Tài sản thuế thu nhập hoãn lại", 3),
            A("268", "4. Other non-current assets", "4. Tài sản dài hạn khác", 3),
            T("270", "TOTAL ASSETS", "TỔNG CỘNG TÀI SẢN", 0, "100", "200"),
            T("300", "C. Liabilities", "C. NỢ PHẢI TRẢ", 1, "310", "330"),
            T("310", "I. Current liabilities", "I. Nợ ngắn hạn", 2, "311", "313", "314", "315", "316", "317", "318", "319", "320", "321", "322", "323"),
            L("311", "1. Short-term trade payables", "1. Phải trả người bán ngắn hạn", 3),
            L("313", "3. Taxes and amounts payable to the State", "3. Thuế và các khoản phải nộp Nhà nước", 3),
            L("314", "4. Payables to employees", "4. Phải trả người lao động", 3),
            L("315", "5. Short-term accrued expenses", "5. Chi phí phải trả ngắn hạn", 3),
            L("316", "6. Short-term intra-company payables", "6. Phải trả nội bộ ngắn hạn", 3),
            L("317", "7. Progress billings under construction contracts", "7. Phải trả theo tiến độ kế hoạch hợp đồng xây dựng", 3),
            L("318", "8. Short-term revenue awaiting allocation", "8. Doanh thu chờ phân bổ ngắn hạn", 3),
            L("319", "9. Other short-term payables", "9. Phải trả ngắn hạn khác", 3),
            L("320", "10. Short-term borrowings and finance lease liabilities", "10. Vay và nợ thuê tài chính ngắn hạn", 3),
            L("321", "11. Short-term provisions", "11. Dự phòng phải trả ngắn hạn", 3),
            L("322", "12. Bonus and welfare funds", "12. Quỹ khen thưởng, phúc lợi", 3),
            L("323", "13. Price stabilisation fund", "13. Quỹ bình ổn giá", 3),
            T("330", "II. Non-current liabilities", "II. Nợ dài hạn", 2, "339", "341", "343"),
            L("339", "Bonds issued", "Trái phiếu phát hành", 3),
            L("341", "Deferred income tax liabilities", "Thuế thu nhập hoãn lại phải trả", 3),
            L("343", "Science and technology development fund", "Quỹ phát triển khoa học và công nghệ", 3),
            T("400", "D. Owners' equity", "D. VỐN CHỦ SỞ HỮU", 1, "410"),
            T("410", "I. Owners' equity", "I. Vốn chủ sở hữu", 2, "411", "412", "413", "414", "415", "416", "417", "418", "420", "421"),
            L("411", "1. Owners' contributed capital", "1. Vốn góp của chủ sở hữu", 3),
            L("412", "2. Share premium", "2. Thặng dư vốn cổ phần", 3),
            L("413", "3. Conversion options on bonds", "3. Quyền chọn chuyển đổi trái phiếu", 3),
            L("414", "4. Other capital of owners", "4. Vốn khác của chủ sở hữu", 3),
            L("415", "5. Treasury shares", "5. Cổ phiếu quỹ", 3),
            L("416", "6. Asset revaluation differences", "6. Chênh lệch đánh giá lại tài sản", 3),
            L("417", "7. Foreign exchange differences", "7. Chênh lệch tỷ giá hối đoái", 3),
            L("418", "8. Investment and development fund", "8. Quỹ đầu tư phát triển", 3),
            L("420", "10. Other equity funds", "10. Quỹ khác thuộc vốn chủ sở hữu", 3),
            T("421", "11. Undistributed profit after tax", "11. Lợi nhuận sau thuế chưa phân phối", 3, "421a", "421b"),
            L("421a", "Undistributed profit up to the end of the previous period", "LNST chưa phân phối lũy kế đến cuối kỳ trước", 4),
            L("421b", "Undistributed profit of this period", "LNST chưa phân phối kỳ này", 4),
            T("440", "TOTAL LIABILITIES AND EQUITY", "TỔNG CỘNG NGUỒN VỐN", 0, "300", "400"),
        ],
        "270", "440", "421b",
        "B02-DN",
        [
            L("01", "1. Revenue from sales of goods and services", "1. Doanh thu bán hàng và cung cấp dịch vụ", 1),
            A("02", "2. Revenue deductions", "2. Các khoản giảm trừ doanh thu", 1),
            T("10", "3. Net revenue", "3. Doanh thu thuần về bán hàng và cung cấp dịch vụ", 1, "01", "-02"),
            A("11", "4. Cost of goods sold", "4. Giá vốn hàng bán", 1),
            T("20", "5. Gross profit", "5. Lợi nhuận gộp về bán hàng và cung cấp dịch vụ", 1, "10", "-11"),
            L("21", "6. Financial income", "6. Doanh thu hoạt động tài chính", 1),
            A("22", "7. Financial expenses", "7. Chi phí tài chính", 1),
            A("25", "8. Selling expenses", "8. Chi phí bán hàng", 1),
            A("26", "9. General and administrative expenses", "9. Chi phí quản lý doanh nghiệp", 1),
            T("30", "10. Operating profit", "10. Lợi nhuận thuần từ hoạt động kinh doanh", 1, "20", "21", "-22", "-25", "-26"),
            L("31", "11. Other income", "11. Thu nhập khác", 1),
            A("32", "12. Other expenses", "12. Chi phí khác", 1),
            T("40", "13. Other profit", "13. Lợi nhuận khác", 1, "31", "-32"),
            T("50", "14. Accounting profit before tax", "14. Tổng lợi nhuận kế toán trước thuế", 1, "30", "40"),
            A("51", "15. Current corporate income tax expense", "15. Chi phí thuế TNDN hiện hành", 1),
            A("52", "16. Deferred corporate income tax expense", "16. Chi phí thuế TNDN hoãn lại", 1),
            T("60", "17. Profit after corporate income tax", "17. Lợi nhuận sau thuế thu nhập doanh nghiệp", 1, "50", "-51", "-52"),
        ],
        "10", "20", "60");

    public static readonly StatementLayout Ifrs = new(
        "IAS 1 statement of financial position",
        [
            T("SFP-NCA", "Non-current assets", "Tài sản dài hạn", 1, "SFP-PPE", "SFP-INTANG"),
            A("SFP-PPE", "Property, plant and equipment", "Nhà xưởng, máy móc, thiết bị", 2),
            A("SFP-INTANG", "Intangible assets", "Tài sản vô hình", 2),
            T("SFP-CA", "Current assets", "Tài sản ngắn hạn", 1, "SFP-INV", "SFP-TRADE", "SFP-OTHREC", "SFP-TAXREC", "SFP-CASH"),
            A("SFP-INV", "Inventories", "Hàng tồn kho", 2),
            A("SFP-TRADE", "Trade receivables", "Phải thu khách hàng", 2),
            A("SFP-OTHREC", "Other receivables", "Phải thu khác", 2),
            A("SFP-TAXREC", "Tax receivables", "Thuế được khấu trừ", 2),
            A("SFP-CASH", "Cash and cash equivalents", "Tiền và tương đương tiền", 2),
            T("SFP-A", "Total assets", "Tổng tài sản", 0, "SFP-NCA", "SFP-CA"),
            T("SFP-E", "Equity", "Vốn chủ sở hữu", 1, "SFP-CAPITAL", "SFP-RETAINED"),
            L("SFP-CAPITAL", "Share capital", "Vốn cổ phần", 2),
            L("SFP-RETAINED", "Retained earnings", "Lợi nhuận giữ lại", 2),
            T("SFP-L", "Liabilities", "Nợ phải trả", 1, "SFP-PAY", "SFP-OTHPAY", "SFP-TAXPAY", "SFP-BORROW"),
            L("SFP-PAY", "Trade payables", "Phải trả người bán", 2),
            L("SFP-OTHPAY", "Other payables and accruals", "Phải trả khác", 2),
            L("SFP-TAXPAY", "Tax payables", "Thuế phải nộp", 2),
            L("SFP-BORROW", "Borrowings", "Vay", 2),
            T("SFP-EL", "Total equity and liabilities", "Tổng nguồn vốn", 0, "SFP-E", "SFP-L"),
        ],
        "SFP-A", "SFP-EL", "SFP-RETAINED",
        "IAS 1 statement of profit or loss",
        [
            L("PL-REV", "Revenue", "Doanh thu", 1),
            A("PL-COS", "Cost of sales", "Giá vốn hàng bán", 1),
            T("PL-GP", "Gross profit", "Lợi nhuận gộp", 1, "PL-REV", "-PL-COS"),
            A("PL-DIST", "Distribution costs", "Chi phí bán hàng", 1),
            A("PL-ADMIN", "Administrative expenses", "Chi phí quản lý", 1),
            L("PL-OTHINC", "Other income", "Thu nhập khác", 1),
            A("PL-OTHEXP", "Other expenses", "Chi phí khác", 1),
            T("PL-OP", "Operating profit", "Lợi nhuận hoạt động", 1, "PL-GP", "-PL-DIST", "-PL-ADMIN", "PL-OTHINC", "-PL-OTHEXP"),
            L("PL-FININC", "Finance income", "Thu nhập tài chính", 1),
            A("PL-FINCOST", "Finance costs", "Chi phí tài chính", 1),
            T("PL-PBT", "Profit before tax", "Lợi nhuận trước thuế", 1, "PL-OP", "PL-FININC", "-PL-FINCOST"),
            A("PL-TAX", "Income tax expense", "Chi phí thuế thu nhập", 1),
            T("PL-PROFIT", "Profit for the year", "Lợi nhuận trong năm", 1, "PL-PBT", "-PL-TAX"),
        ],
        "PL-REV", "PL-GP", "PL-PROFIT");

    /// <summary>
    /// Fills a form: each account line from the balances (debit − credit) of the accounts reported on it, each total
    /// from its parts. <paramref name="extra"/> adds amounts to account lines that do not come from their own accounts
    /// (the year's unclosed profit on the balance sheet).
    /// </summary>
    public static IReadOnlyList<(LayoutLine Line, decimal Amount, IReadOnlyList<string> Accounts)> Fill(IReadOnlyList<LayoutLine> form,
        IReadOnlyDictionary<string, List<(string Account, decimal Balance)>> byStatement, IReadOnlyDictionary<string, decimal>? extra = null)
    {
        var codes = form.ToDictionary(l => l.Code, StringComparer.Ordinal);
        var amounts = new Dictionary<string, decimal>(StringComparer.Ordinal);
        decimal Amount(string code, int depth)
        {
            if (amounts.TryGetValue(code, out var known))
                return known;
            if (depth > 10 || !codes.TryGetValue(code, out var line))
                return 0;
            decimal value;
            if (line.Sum is { } parts)
                value = parts.Sum(p => p.Sign * Amount(p.Code, depth + 1));
            else
            {
                var balance = byStatement.TryGetValue(code, out var accounts) ? accounts.Sum(a => a.Balance) : 0m;
                value = (line.Nature == Sides.Debit ? balance : -balance) + (extra?.GetValueOrDefault(code) ?? 0m);
            }
            return amounts[code] = value;
        }
        return form.Select(l => (l, Amount(l.Code, 0),
            (IReadOnlyList<string>)(byStatement.TryGetValue(l.Code, out var a) ? a.Select(x => x.Account).ToList() : []))).ToList();
    }
}
