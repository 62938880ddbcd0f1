using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Json;
using Tessera.Web.Data;

namespace Tessera.Web.Operations;

/// <summary>What the webhook receives: one alert, raised or cleared.</summary>
public sealed record AlertNotification(
    string Event, long Id, string Kind, string Subject, string Detail, string? Record, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt, string Console);

/// <summary>
/// Sends each alert to Tessera:Alerts:WebhookUrl once when raised and once when cleared. A delivery that fails (no
/// answer, or not a 2xx) is tried again later, each wait twice the last up to a ceiling, and never given up while the
/// alert is kept. Only the configured URL is called: redirects are not followed.
/// </summary>
public sealed class AlertWebhook(IHttpClientFactory clients, WebDbContext db, IOptions<AlertOptions> options, TimeProvider clock, ILogger<AlertWebhook> logger)
{
    public const string Client = "operations-webhook";
    public const string Raised = "raised";
    public const string Cleared = "cleared";

    public async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Webhook is not { } url)
            return;
        var now = clock.GetUtcNow();
        var due = await db.Alerts
            .Where(a => (a.RaiseSentAt == null || (a.ClearedAt != null && a.ClearSentAt == null)) && a.NextAttemptAt <= now)
            .OrderBy(a => a.Id).Take(100).ToListAsync(cancellationToken);
        var clearingDue = false;
        foreach (var alert in due)
        {
            if (!await ClaimAsync(alert, cancellationToken))
                continue;
            var error = await SendAsync(url, alert, cancellationToken);
            var at = clock.GetUtcNow();
            if (error is null)
            {
                if (alert.RaiseSentAt is null)
                    alert.RaiseSentAt = at;
                else
                    alert.ClearSentAt = at;
                alert.Attempts = 0;
                // A cleared alert whose raise just went out has its clearing to send too, at once.
                alert.NextAttemptAt = at;
                alert.LastError = null;
                clearingDue |= alert.ClearedAt is not null && alert.ClearSentAt is null;
            }
            else
            {
                alert.Attempts++;
                alert.NextAttemptAt = at + Backoff(alert.Attempts, settings);
                alert.LastError = error;
                logger.LogWarning("The alert webhook refused alert {AlertId} (attempt {Attempt}): {Error}; trying again at {NextAttemptAt:u}",
                    alert.Id, alert.Attempts, error, alert.NextAttemptAt);
            }
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        // A cleared alert whose raise was just sent is due again now: send its clearing in the same round.
        if (clearingDue)
            await DeliverDueAsync(cancellationToken);
    }

    /// <summary>
    /// Takes the alert for this delivery if nobody has since it was read: its next attempt moves past the time a delivery
    /// can take, in one conditional update. Another instance delivering at the same moment (a round still running after
    /// its lease ran out, beside the new holder's) then finds it changed and leaves it, so each notification is sent
    /// once; if this process stops before it records the delivery, the alert is due again when the claim runs out.
    /// </summary>
    private async Task<bool> ClaimAsync(AlertRecord alert, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + ClaimFor;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var claimed = await db.Alerts
            .Where(a => a.Id == alert.Id && a.NextAttemptAt == alert.NextAttemptAt && a.RaiseSentAt == alert.RaiseSentAt && a.ClearSentAt == alert.ClearSentAt)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.NextAttemptAt, until), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed == 1;
    }

    /// <summary>Longer than one delivery may take (the client's timeout is 10 s).</summary>
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(1);

    public static TimeSpan Backoff(int attempts, AlertOptions settings)
    {
        var delay = settings.RetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = delay < settings.RetryMaxDelay ? delay : settings.RetryMaxDelay;
        // Jitter, so that many alerts failing together do not retry together.
        return capped * (0.8 + Random.Shared.NextDouble() * 0.4);
    }

    private async Task<string?> SendAsync(Uri url, AlertRecord alert, CancellationToken cancellationToken)
    {
        var notification = new AlertNotification(alert.RaiseSentAt is null ? Raised : Cleared, alert.Id, alert.Kind, alert.Subject, alert.Detail, alert.Record,
            alert.RaisedAt, alert.RaiseSentAt is null ? null : alert.ClearedAt, "/operations");
        try
        {
            using var response = await clients.CreateClient(Client).PostAsJsonAsync(url, notification, TesseraJson.Options, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex.Message;
        }
    }
}
