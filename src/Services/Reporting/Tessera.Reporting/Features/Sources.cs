using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Features;

/// <summary>A kind of upload: its columns (name, type, required) and the column that dates each row. Read from Models/sources/*.json.</summary>
public sealed record UploadSource(string Name, string Description, string DateColumn, IReadOnlyList<UploadColumnDto> Columns)
{
    public static IReadOnlyList<UploadSource> Load(string modelsDirectory)
    {
        var folder = Path.Combine(modelsDirectory, "sources");
        if (!Directory.Exists(folder))
            return [];
        return Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(file =>
        {
            var source = JsonSerializer.Deserialize<UploadSource>(File.ReadAllText(file), TesseraJson.Options)
                         ?? throw new InvalidOperationException($"{file} holds no upload source.");
            if (source.Columns.All(c => c.Name != source.DateColumn))
                throw new InvalidOperationException($"{file}: the date column '{source.DateColumn}' is not one of its columns.");
            return source;
        }).ToList();
    }
}

/// <summary>
/// The ODS's two other sources. File uploads (CSV or a JSON array) of a declared kind — marketplace settlements, ad
/// spend — checked against its columns row by row, all or nothing; only the declared columns are stored, so a file
/// with more (a buyer's name) never brings it in. The same file twice is refused. And manual entry: monthly sales targets.
/// </summary>
public static partial class Sources
{
    public const int MaxBytes = 20 * 1024 * 1024;
    public const int MaxErrors = 100;
    public const string SalesTarget = "sales_target";

    public static void Map(RouteGroupBuilder api)
    {
        var uploads = api.MapGroup("/uploads").WithTags("Sources");
        uploads.MapGet("/sources", (UploadSources sources) => TypedResults.Ok(sources.All.Select(s => new UploadSourceDto(s.Name, s.Description, s.DateColumn, s.Columns)).ToList()))
            .WithName("ListUploadSources").WithSummary("The kinds of file the ODS accepts and their columns.");
        uploads.MapGet("/", List).WithName("ListUploads");
        uploads.MapPost("/{source}", Upload).RequireRoles(Roles.Finance).WithName("UploadFile").DisableAntiforgery()
            .WithSummary("Upload a CSV file (header row) or a JSON array of objects of a declared kind; fileName names it. Rows are checked against the kind's columns.")
            .Produces<UploadDto>(StatusCodes.Status201Created);
        var targets = api.MapGroup("/targets").WithTags("Sources");
        targets.MapGet("/", Targets).WithName("ListSalesTargets");
        targets.MapPut("/{month}", PutTarget).RequireRoles(Roles.Finance).WithName("SetSalesTarget")
            .WithSummary("Enter the sales target of a month (yyyy-MM), for the whole business or one channel.");
    }

    private static async Task<Ok<List<UploadDto>>> List(ReportingDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Uploads.AsNoTracking().OrderByDescending(u => u.UploadedAt).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static async Task<IResult> Upload(
        string source, string? fileName, HttpRequest request, ClaimsPrincipal user, ITenantContext tenant, UploadSources sources, TenantWarehouses warehouses,
        ReportingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var kind = sources.All.FirstOrDefault(s => s.Name == source);
        if (kind is null)
            return Problems.NotFound("Upload source", source);
        if (request.ContentLength > MaxBytes)
            return Problems.Validation("file", $"A file is at most {MaxBytes / 1024 / 1024} MB.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
            return Problems.Validation("file", $"A file is at most {MaxBytes / 1024 / 1024} MB.");
        if (buffer.Length == 0)
            return Problems.Validation("file", "The file is empty.");
        var bytes = buffer.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (await db.Uploads.AsNoTracking().FirstOrDefaultAsync(u => u.Source == source && u.Sha256 == hash, cancellationToken) is { } earlier)
            return Problems.Conflict("The file was uploaded already",
                $"This {source} file was uploaded on {earlier.UploadedAt:yyyy-MM-dd HH:mm} UTC as '{earlier.FileName}'; its rows are in the warehouse.",
                new Dictionary<string, object?> { ["uploadId"] = earlier.Id });

        var json = request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        List<Dictionary<string, string?>> records;
        try
        {
            records = json ? JsonRecords(bytes) : CsvRecords(Encoding.UTF8.GetString(bytes));
        }
        catch (FormatException ex)
        {
            return Problems.Validation("file", ex.Message);
        }
        var (rows, errors) = Check(kind, records);
        if (errors.Count > 0)
            return Problems.Validation(errors);
        if (rows.Count == 0)
            return Problems.Validation("file", "The file has no rows.");

        var id = DeterministicId(tenant.TenantId!, source, hash);
        var now = clock.GetUtcNow();
        using (var connection = warehouses.Open(tenant.TenantId!))
            await InsertAsync(connection, id, source, rows, now, cancellationToken);
        var upload = new Upload
        {
            Id = id, Source = source, FileName = Path.GetFileName(fileName ?? (json ? "upload.json" : "upload.csv")), Rows = rows.Count,
            FirstDate = rows.Min(r => r.Date), LastDate = rows.Max(r => r.Date), UploadedBy = user.Actor(), UploadedAt = now, Sha256 = hash,
        };
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            db.Uploads.Add(upload);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return TypedResults.Created($"/api/reporting/uploads/{id}", ToDto(upload));
    }

    /// <summary>The upload's rows and the dates they re-open, once: an upload id already in the ODS (a retry after a crash) adds nothing.</summary>
    private static async Task InsertAsync(DuckDB.NET.Data.DuckDBConnection connection, Guid id, string source,
        IReadOnlyList<(int Row, DateOnly Date, string Payload)> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("""
            CREATE TEMP TABLE IF NOT EXISTS _upload (row_no INTEGER, business_date DATE, payload VARCHAR);
            DELETE FROM _upload;
            """, cancellationToken);
        using (var appender = connection.CreateAppender("_upload"))
            foreach (var row in rows)
                appender.CreateRow().AppendValue(row.Row).AppendValue(row.Date).AppendValue(row.Payload).EndRow();
        var at = $"'{now.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'";
        await connection.ExecuteAsync($"""
            BEGIN TRANSACTION;
            INSERT INTO {WarehouseSchema.Uploads}
            SELECT '{id}', {Sql.Literal(source)}, row_no, business_date, CAST(payload AS JSON), {at} FROM _upload
            WHERE NOT EXISTS (SELECT 1 FROM {WarehouseSchema.Uploads} WHERE upload_id = '{id}');
            INSERT INTO {WarehouseSchema.DirtyDates} SELECT DISTINCT business_date, {at} FROM _upload;
            COMMIT;
            """, cancellationToken);
    }

    internal static (List<(int Row, DateOnly Date, string Payload)> Rows, Dictionary<string, string[]> Errors) Check(
        UploadSource kind, List<Dictionary<string, string?>> records)
    {
        var rows = new List<(int, DateOnly, string)>();
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < records.Count && errors.Count < MaxErrors; i++)
        {
            var record = records[i];
            var payload = new JsonObject();
            DateOnly? date = null;
            foreach (var column in kind.Columns)
            {
                var field = $"rows[{i + 1}].{column.Name}";
                var text = record.GetValueOrDefault(column.Name)?.Trim();
                if (string.IsNullOrEmpty(text))
                {
                    if (column.Required)
                        errors[field] = [$"{column.Name} is required."];
                    payload[column.Name] = null;
                    continue;
                }
                switch (column.Type)
                {
                    case "date" when DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d):
                        payload[column.Name] = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                        if (column.Name == kind.DateColumn)
                            date = d;
                        break;
                    case "date":
                        errors[field] = [$"'{text}' is not a date (yyyy-MM-dd)."];
                        break;
                    case "decimal" when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var n):
                        payload[column.Name] = n;
                        break;
                    case "decimal":
                        errors[field] = [$"'{text}' is not a number (a dot before the decimals, no thousands separators)."];
                        break;
                    case "int" when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n):
                        payload[column.Name] = n;
                        break;
                    case "int":
                        errors[field] = [$"'{text}' is not a whole number."];
                        break;
                    default:
                        if (text.Length > 500)
                            errors[field] = ["A text value is at most 500 characters."];
                        payload[column.Name] = text;
                        break;
                }
            }
            if (date is { } businessDate)
                rows.Add((i + 1, businessDate, payload.ToJsonString()));
        }
        return (rows, errors);
    }

    internal static List<Dictionary<string, string?>> JsonRecords(byte[] bytes)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The file is not JSON: {ex.Message}");
        }
        if (root is not JsonArray array)
            throw new FormatException("A JSON upload is an array of objects, one per row.");
        return array.Select((item, i) => item is JsonObject row
            ? row.ToDictionary(p => p.Key, p => p.Value switch
            {
                null => null,
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                var v => v.ToJsonString(),
            }, StringComparer.Ordinal)
            : throw new FormatException($"Row {i + 1} is not an object.")).ToList();
    }

    /// <summary>RFC 4180: a header row, then records; fields may be quoted (doubled quotes inside, line breaks allowed).</summary>
    internal static List<Dictionary<string, string?>> CsvRecords(string text)
    {
        var records = ParseCsv(text.TrimStart('\uFEFF'));
        if (records.Count == 0)
            throw new FormatException("The file has no header row.");
        var header = records[0].Select(h => h.Trim()).ToList();
        if (header.Distinct(StringComparer.Ordinal).Count() != header.Count)
            throw new FormatException("The header row names a column twice.");
        return records.Skip(1).Where(r => r.Count > 1 || r[0].Length > 0).Select((r, i) => r.Count == header.Count
            ? header.Zip(r).ToDictionary(p => p.First, p => (string?)p.Second, StringComparer.Ordinal)
            : throw new FormatException($"Row {i + 1} has {r.Count} fields; the header has {header.Count}.")).ToList();
    }

    private static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    records.Add(record);
                    record = [];
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (quoted)
            throw new FormatException("A quoted field is not closed.");
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }
        return records;
    }

    private static Guid DeterministicId(string tenant, string source, string hash)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}|{source}|{hash}"))[..16];
        return new Guid(bytes);
    }

    private static UploadDto ToDto(Upload u) => new(u.Id, u.Source, u.FileName, u.Rows, u.FirstDate, u.LastDate, u.UploadedBy, u.UploadedAt, u.Sha256);

    // ---- Manual entry: monthly sales targets ----

    public sealed record TargetRequest(decimal? Amount, string? Currency, string? Channel);

    [GeneratedRegex(@"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex Month();

    private static async Task<IResult> PutTarget(
        string month, TargetRequest request, ClaimsPrincipal user, ITenantContext tenant, TenantWarehouses warehouses, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Month().IsMatch(month))
            errors["month"] = ["The month is yyyy-MM."];
        if (request.Amount is null or < 0)
            errors["amount"] = ["amount is a target of 0 or more."];
        if (request.Currency is null || !Regex.IsMatch(request.Currency, "^[A-Z]{3}$"))
            errors["currency"] = ["currency is an ISO 4217 code, e.g. VND."];
        if (request.Channel is { Length: > 100 })
            errors["channel"] = ["channel is at most 100 characters."];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        var channel = string.IsNullOrWhiteSpace(request.Channel) ? null : request.Channel.Trim();
        var now = clock.GetUtcNow();
        var first = DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var payload = new JsonObject { ["month"] = month, ["channel"] = channel, ["amount"] = request.Amount, ["currency"] = request.Currency }.ToJsonString();
        using var connection = warehouses.Open(tenant.TenantId!);
        await connection.ExecuteAsync($"""
            BEGIN TRANSACTION;
            INSERT INTO {WarehouseSchema.ManualEntries} VALUES ('{Guid.CreateVersion7()}', '{SalesTarget}', {Sql.Literal(month + "|" + (channel ?? "*"))},
                {DuckDbDialect.Instance.DateLiteral(first)}, CAST({Sql.Literal(payload)} AS JSON), {Sql.Literal(user.Actor())}, '{now.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00');
            INSERT INTO {WarehouseSchema.DirtyDates} VALUES ({DuckDbDialect.Instance.DateLiteral(first)}, '{now.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00');
            COMMIT;
            """, cancellationToken);
        return TypedResults.Ok(new SalesTargetDto(month, channel, request.Amount!.Value, request.Currency!, user.Actor(), now));
    }

    private static async Task<Ok<List<SalesTargetDto>>> Targets(ITenantContext tenant, TenantWarehouses warehouses, CancellationToken cancellationToken)
    {
        using var connection = warehouses.Open(tenant.TenantId!);
        var rows = await connection.RowsAsync($"""
            SELECT payload->>'$.month' AS month, payload->>'$.channel' AS channel, CAST(payload->>'$.amount' AS DECIMAL(18,4)) AS amount,
                   payload->>'$.currency' AS currency, entered_by, entered_at
            FROM {WarehouseSchema.ManualEntries} WHERE kind = '{SalesTarget}'
            QUALIFY row_number() OVER (PARTITION BY entry_key ORDER BY entered_at DESC, entry_id DESC) = 1
            ORDER BY month, channel NULLS FIRST
            """, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new SalesTargetDto((string)r["month"]!, (string?)r["channel"], (decimal)r["amount"]!, (string)r["currency"]!,
            (string)r["entered_by"]!, Runs.RunQueue.ToOffset(r["entered_at"]))).ToList());
    }
}

/// <summary>The upload sources of Models/sources, read once at start.</summary>
public sealed class UploadSources(IOptions<ReportingOptions> options)
{
    public IReadOnlyList<UploadSource> All { get; } = UploadSource.Load(options.Value.ResolveModelsDirectory());
}
