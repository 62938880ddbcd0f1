using System.Net;
using Tessera.ServiceDefaults.Errors;
using Tessera.Web.Services;

namespace Tessera.Web.FrontEnd;

/// <summary>A part of a page whose service is down: it says so, and its fragment at <see cref="RetryUrl"/> is polled until it is back.</summary>
public sealed record Unavailable(string Service, string RetryUrl, string? Detail = null)
{
    public string Title => char.ToUpperInvariant(Service[0]) + Service[1..];
}

/// <summary>Either what a section shows, or why it cannot show it right now.</summary>
public sealed record Section<T>(T? Value, Unavailable? Down)
{
    public bool IsUp => Down is null;

    public static async Task<Section<T>> LoadAsync(Func<Task<T>> load, string retryUrl, string? detail = null)
    {
        try
        {
            return new Section<T>(await load(), null);
        }
        catch (DependencyUnavailableException ex)
        {
            return new Section<T>(default, new Unavailable(ex.Service, retryUrl, detail ?? "The rest of Tessera keeps working; this part fills in when it is back."));
        }
    }
}

public static class PageReload
{
    /// <summary>
    /// The retry of a page whose main service was down: while it still is, the notice again; once it answers, the whole
    /// page reloads (HX-Refresh) instead of a page being swapped into the notice.
    /// </summary>
    public static Microsoft.AspNetCore.Mvc.IActionResult Of(Microsoft.AspNetCore.Mvc.RazorPages.PageModel page, Unavailable? down)
    {
        if (down is not null)
            return page.Partial("_Unavailable", down);
        page.Response.Headers["HX-Refresh"] = "true";
        return page.Content("");
    }
}

/// <summary>Page links for a list; <see cref="Url"/> keeps the list's filters.</summary>
public sealed record Pager(int Page, int PageSize, int Total, Func<int, string> Url)
{
    public int PageCount => Math.Max(1, (int)Math.Ceiling(Total / (double)PageSize));
    public int First => Total == 0 ? 0 : (Page - 1) * PageSize + 1;
    public int Last => Math.Min(Total, Page * PageSize);

    public static int Clamp(int? page) => Math.Max(1, page ?? 1);
}

public static class ProblemExtensions
{
    /// <summary>
    /// The messages a service gave for one field (its JSON path, e.g. "lines[1].quantity"), or null. A field ending in
    /// '*' collects every field it starts: "operational.tags*" has the messages of each tag.
    /// </summary>
    public static string? For(this ApiProblem? problem, string field)
    {
        if (problem is null)
            return null;
        if (field.EndsWith('*'))
        {
            var messages = problem.Errors.Where(e => e.Key.StartsWith(field[..^1], StringComparison.Ordinal)).SelectMany(e => e.Value).Distinct().ToList();
            return messages.Count > 0 ? string.Join(" ", messages) : null;
        }
        return problem.Errors.TryGetValue(field, out var found) ? string.Join(" ", found) : null;
    }

    public static string Invalid(this ApiProblem? problem, string field) => problem.For(field) is null ? "" : "is-invalid";

    public static bool IsConflict(this ApiProblem? problem) => problem?.Status is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict;

    /// <summary>A problem built on this side, for a refusal the page decides itself.</summary>
    public static ApiProblem Local(string title, string? detail = null, string? field = null, string? message = null) =>
        new(HttpStatusCode.BadRequest, title, detail, field is null ? new Dictionary<string, string[]>() : new Dictionary<string, string[]> { [field] = [message ?? title] });
}

public static class ListQuery
{
    /// <summary>The query string of a list page: only the filters that are set, and the page.</summary>
    public static string Build(int page, params (string Name, string? Value)[] filters) =>
        Of([.. filters, ("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary>A query string of the parameters that are set, in the order given.</summary>
    public static string Of(params IEnumerable<(string Name, string? Value)> parameters) =>
        string.Join('&', parameters
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value!)}"));
}
