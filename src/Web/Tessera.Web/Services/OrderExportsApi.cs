using System.Net;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Web.Services;

/// <summary>
/// Order exports streamed from the orders service to the browser. Apart from <see cref="OrdersApi"/>: its resilience
/// handler reads each answer whole inside the attempt (so that a cut answer can be retried), which for a hundred
/// thousand orders would hold tens of megabytes here. This client hands the body on as it arrives; an export cut
/// halfway is started again by the user, not retried.
/// </summary>
public sealed class OrderExportsApi(HttpClient http)
{
    /// <summary>Copies the CSV of the search in <paramref name="query"/> to <paramref name="response"/> as it comes.</summary>
    public async Task StreamAsync(string query, HttpResponse response, CancellationToken cancellationToken)
    {
        HttpResponseMessage answer;
        try
        {
            answer = await http.GetAsync("/api/orders/export?" + query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new DependencyUnavailableException("orders", ex);
        }
        using (answer)
        {
            if (answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)
                throw new DependencyUnavailableException("orders");
            response.StatusCode = (int)answer.StatusCode;
            response.ContentType = answer.Content.Headers.ContentType?.ToString() ?? "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = "attachment; filename=\"orders.csv\"";
            await using var body = await answer.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(response.Body, 64 * 1024, cancellationToken);
        }
    }
}
