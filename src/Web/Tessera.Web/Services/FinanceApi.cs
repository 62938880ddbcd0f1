using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Finance.Contracts;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record EntryLineInput(string? Account, decimal? Debit, decimal? Credit, string? Memo);

public sealed record ManualEntryInput(DateOnly? Date, string? Description, IReadOnlyList<EntryLineInput> Lines);

/// <summary>A CSV file as the finance service made it, handed on to the browser unchanged.</summary>
public sealed record CsvFile(byte[] Content, string FileName);

/// <summary>The finance service, as the pages use it. Reads throw DependencyUnavailableException when it is down; writes answer their problem.</summary>
public sealed class FinanceApi(HttpClient http)
{
    public async Task<TrialBalanceDto> TrialBalanceAsync(DateOnly? asOf, DateOnly? from, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<TrialBalanceDto>("/api/finance/trial-balance?" + HttpExtensions.Query(("asOf", Date(asOf)), ("from", Date(from))),
            TesseraJson.Options, cancellationToken))!;

    public async Task<AccountStatementDto?> StatementAsync(string account, DateOnly? from, DateOnly? to, string? after, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/finance/accounts/{Uri.EscapeDataString(account)}/statement?" +
                                   HttpExtensions.Query(("from", Date(from)), ("to", Date(to)), ("after", after), ("limit", 100)), cancellationToken))
            .ReadOrNullAsync<AccountStatementDto>(cancellationToken);

    public async Task<JournalEntryPageDto> EntriesAsync(string? account, string? sourceType, string? sourceId, DateOnly? from, DateOnly? to, string? before,
        CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<JournalEntryPageDto>("/api/finance/entries?" + HttpExtensions.Query(("account", account), ("sourceType", sourceType),
            ("sourceId", sourceId), ("from", Date(from)), ("to", Date(to)), ("before", before), ("limit", 50)), TesseraJson.Options, cancellationToken))!;

    public async Task<JournalEntryDto?> EntryAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/finance/entries/{id}", cancellationToken)).ReadOrNullAsync<JournalEntryDto>(cancellationToken);

    public async Task<ApiResult<JournalEntryDto>> PostEntryAsync(ManualEntryInput input, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/finance/entries").WithJson(new
        {
            date = Date(input.Date), input.Description,
            lines = input.Lines.Select(l => new { l.Account, l.Debit, l.Credit, l.Memo }),
        });
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ApiResult<JournalEntryDto>.ReadAsync(response, cancellationToken);
    }

    public Task<ApiResult<JournalEntryDto>> ReverseAsync(Guid id, string reason, CancellationToken cancellationToken) =>
        SendAsync<JournalEntryDto>(HttpMethod.Post, $"/api/finance/entries/{id}/reverse", new { reason }, null, cancellationToken);

    public async Task<List<AccountDto>> AccountsAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<AccountDto>>("/api/finance/accounts", TesseraJson.Options, cancellationToken))!;

    public async Task<BalanceSheetDto> BalanceSheetAsync(DateOnly? asOf, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<BalanceSheetDto>("/api/finance/balance-sheet?" + HttpExtensions.Query(("asOf", Date(asOf))), TesseraJson.Options, cancellationToken))!;

    public async Task<IncomeStatementDto> IncomeStatementAsync(DateOnly? from, DateOnly? to, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<IncomeStatementDto>("/api/finance/income-statement?" + HttpExtensions.Query(("from", Date(from)), ("to", Date(to))),
            TesseraJson.Options, cancellationToken))!;

    public async Task<AgeingDto> AgeingAsync(string kind, DateOnly? asOf, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<AgeingDto>("/api/finance/ageing?" + HttpExtensions.Query(("kind", kind), ("asOf", Date(asOf))), TesseraJson.Options, cancellationToken))!;

    public async Task<(List<InvoiceDto> Items, int Total)> InvoicesAsync(string? status, int page, int pageSize, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/api/finance/invoices?" + HttpExtensions.Query(("status", status), ("page", page), ("pageSize", pageSize)), cancellationToken);
        response.EnsureSuccessStatusCode();
        var total = int.TryParse(response.Headers.TryGetValues("X-Total-Count", out var values) ? values.FirstOrDefault() : null, out var t) ? t : 0;
        return ((await response.Content.ReadFromJsonAsync<List<InvoiceDto>>(TesseraJson.Options, cancellationToken))!, total);
    }

    public async Task<InvoiceDto?> InvoiceAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/finance/invoices/{id}", cancellationToken)).ReadOrNullAsync<InvoiceDto>(cancellationToken);

    public async Task<List<BillDto>> BillsAsync(string? status, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<BillDto>>("/api/finance/bills?" + HttpExtensions.Query(("status", status), ("pageSize", 100)), TesseraJson.Options, cancellationToken))!;

    public async Task<List<PostingRuleDto>> RulesAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<PostingRuleDto>>("/api/finance/posting-rules", TesseraJson.Options, cancellationToken))!;

    public async Task<List<PostingRuleDto>?> RuleAsync(string posting, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/finance/posting-rules/{Uri.EscapeDataString(posting)}", cancellationToken)).ReadOrNullAsync<List<PostingRuleDto>>(cancellationToken);

    public Task<ApiResult<PostingRuleDto>> ChangeRuleAsync(string posting, IReadOnlyList<PostingRuleLineDto> lines, string? note, CancellationToken cancellationToken) =>
        SendAsync<PostingRuleDto>(HttpMethod.Put, $"/api/finance/posting-rules/{Uri.EscapeDataString(posting)}", new { lines, note }, null, cancellationToken);

    public async Task<PeriodsDto> PeriodsAsync(int? year, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PeriodsDto>("/api/finance/periods?" + HttpExtensions.Query(("year", year)), TesseraJson.Options, cancellationToken))!;

    public Task<ApiResult<LedgerSettingsDto>> LockAsync(DateOnly lockDate, CancellationToken cancellationToken) =>
        SendAsync<LedgerSettingsDto>(HttpMethod.Post, "/api/finance/periods/lock", new { lockDate = Date(lockDate) }, null, cancellationToken);

    public Task<ApiResult<JournalEntryDto>> CloseYearAsync(int year, CancellationToken cancellationToken) =>
        SendAsync<JournalEntryDto>(HttpMethod.Post, $"/api/finance/fiscal-years/{year}/close", new { }, null, cancellationToken);

    public async Task<LedgerSettingsDto> LedgerAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<LedgerSettingsDto>("/api/finance/ledger", TesseraJson.Options, cancellationToken))!;

    /// <summary>
    /// Opens a new tenant's books with its chart, currency and time zone, acting for that tenant with <paramref name="token"/>
    /// (an operator's, minted for it: the caller is signed in to another tenant).
    /// </summary>
    public async Task<ApiResult<LedgerSettingsDto>> SetUpAsync(string chart, string currency, string timeZone, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/finance/ledger/setup").WithJson(new { chart, currency, timeZone });
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ApiResult<LedgerSettingsDto>.ReadAsync(response, cancellationToken);
    }

    /// <summary>A report as CSV (the path names the report and its filters; format=csv is added).</summary>
    public async Task<CsvFile> CsvAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(pathAndQuery + (pathAndQuery.Contains('?') ? "&" : "?") + "format=csv", cancellationToken);
        response.EnsureSuccessStatusCode();
        return new CsvFile(await response.Content.ReadAsByteArrayAsync(cancellationToken),
            response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "report.csv");
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string url, object? body, long? version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.WithJson(body);
        if (version is { } v)
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{v}\""));
        using var response = await http.SendAsync(request, cancellationToken);
        return await ApiResult<T>.ReadAsync(response, cancellationToken);
    }

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
