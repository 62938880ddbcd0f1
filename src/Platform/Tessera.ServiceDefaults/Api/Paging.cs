using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.ServiceDefaults.Api;

/// <summary>One page of a list; Total counts every match so that clients can render page numbers.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public readonly record struct PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public int Skip => (Page - 1) * PageSize;

    /// <summary>Reads page and pageSize query values; out-of-range values are refused rather than silently changed.</summary>
    public static bool TryCreate(int? page, int? pageSize, out PageRequest request, out ValidationProblem? problem)
    {
        request = new PageRequest(page ?? 1, pageSize ?? DefaultPageSize);
        problem = null;
        if (request.Page < 1)
            problem = Problems.Validation("page", "page starts at 1.");
        else if (request.PageSize is < 1 or > MaxPageSize)
            problem = Problems.Validation("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
        return problem is null;
    }
}
