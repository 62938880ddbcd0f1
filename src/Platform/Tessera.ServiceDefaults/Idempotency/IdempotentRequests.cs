using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;

namespace Tessera.ServiceDefaults.Idempotency;

/// <summary>What a create handler produced: a response to store and send, or a refusal that is sent and not stored.</summary>
public sealed class IdempotentOutcome
{
    private IdempotentOutcome(int statusCode, object? body, string? location, IResult? refusal)
    {
        StatusCode = statusCode;
        Body = body;
        Location = location;
        Refusal = refusal;
    }

    public int StatusCode { get; }
    public object? Body { get; }
    public string? Location { get; }
    public IResult? Refusal { get; }

    public static IdempotentOutcome Created(string location, object body) => new(StatusCodes.Status201Created, body, location, null);
    public static IdempotentOutcome Ok(object body) => new(StatusCodes.Status200OK, body, null, null);
    public static IdempotentOutcome Refused(IResult result) => new(0, null, null, result);
}

/// <summary>
/// Runs a create handler at most once per (tenant, scope, Idempotency-Key): the key, the request hash and the response
/// are written in the same transaction as the handler's effect. The same key with the same body replays the stored
/// response; with another body it is refused with 422. In a service that holds personal data (it has a
/// <see cref="PersonalDataProtector"/>) the stored response is encrypted like the data itself: a created customer's
/// answer carries their name and phone.
/// </summary>
public sealed class IdempotentRequests(TimeProvider clock, PersonalDataProtector? protector = null)
{
    public const string HeaderName = "Idempotency-Key";
    private const int MaxKeyLength = 200;
    private const string ResponsePurpose = "idempotency.response";

    public async Task<IResult> ExecuteAsync<TDb>(
        TDb db,
        string scope,
        string? key,
        object request,
        Func<CancellationToken, Task<IdempotentOutcome>> handler,
        CancellationToken cancellationToken)
        where TDb : ServiceDbContext
    {
        if (key is not null && (key.Length == 0 || key.Length > MaxKeyLength))
            return Problems.Validation(HeaderName, $"{HeaderName} must be 1 to {MaxKeyLength} characters.");

        var hash = Hash(request);
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        if (key is not null)
        {
            // Two instances may take the same retried request at once: the second waits here for the first's answer.
            await db.LockAsync($"idempotency:{db.CurrentTenantId}:{scope}:{key}", cancellationToken);
            var existing = await db.IdempotencyRecords.AsNoTracking()
                .FirstOrDefaultAsync(r => r.Scope == scope && r.Key == key, cancellationToken);
            if (existing is not null)
                return existing.RequestHash == hash
                    ? new StoredResponse(existing.StatusCode, Reveal(existing.ResponseBody, db.CurrentTenantId), existing.Location, replayed: true)
                    : Problems.Unprocessable("Idempotency-Key reused with a different request",
                        $"The {HeaderName} '{key}' was already used for a different request body. Use a new key for a new request.");
        }

        var outcome = await handler(cancellationToken);
        if (outcome.Refusal is not null)
            return outcome.Refusal;

        var body = JsonSerializer.Serialize(outcome.Body, TesseraJson.Options);
        if (key is not null)
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                Scope = scope,
                Key = key,
                RequestHash = hash,
                StatusCode = outcome.StatusCode,
                ResponseBody = protector is null ? body : protector.Protect(body, db.CurrentTenantId ?? "", ResponsePurpose),
                Location = outcome.Location,
                CreatedAt = clock.GetUtcNow(),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StoredResponse(outcome.StatusCode, body, outcome.Location, replayed: false);
    }

    // A body stored before the service protected its responses (or by one without personal data) is plain JSON.
    private string Reveal(string stored, string? tenant) =>
        protector is not null && PersonalDataProtector.IsProtected(stored) ? protector.Unprotect(stored, tenant ?? "", ResponsePurpose) : stored;

    private static string Hash(object request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), TesseraJson.Options)));

    private sealed class StoredResponse(int statusCode, string body, string? location, bool replayed) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            if (location is not null)
                httpContext.Response.Headers.Location = location;
            if (replayed)
                httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            await httpContext.Response.WriteAsync(body, Encoding.UTF8);
        }
    }
}
