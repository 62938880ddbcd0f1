using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tessera.ServiceDefaults.Errors;

/// <summary>Every exception leaves as problem details: never a stack trace, always a trace id to quote to support.</summary>
internal sealed class ExceptionToProblem(IProblemDetailsService problems, ILogger<ExceptionToProblem> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ProblemException problem => (problem.Status, problem.Title, problem.Message),
            DependencyUnavailableException dependency => (StatusCodes.Status503ServiceUnavailable,
                $"{char.ToUpperInvariant(dependency.Service[0])}{dependency.Service[1..]} is unavailable",
                $"This request needs {dependency.Service}, which is not answering right now. Try again shortly; nothing was saved."),
            BadHttpRequestException bad when bad.InnerException is JsonException json =>
                (StatusCodes.Status400BadRequest, "The request body is not valid JSON", Describe(json)),
            BadHttpRequestException bad =>
                (bad.StatusCode, "The request is not valid", bad.Message),
            JsonException json =>
                (StatusCodes.Status400BadRequest, "The request body is not valid JSON", Describe(json)),
            DbUpdateConcurrencyException =>
                (StatusCodes.Status409Conflict, "The record was changed by someone else",
                    "Another change was saved first. Reload the record and apply your change again."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                (499, "Client closed the request", "The request was cancelled by the client."),
            TimeoutException =>
                (StatusCodes.Status504GatewayTimeout, "The request took too long", "Try again in a moment."),
            _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side",
                "The error was logged. Quote the trace id when you report it."),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
            httpContext.Response.Headers.RetryAfter = "5";
        if (status >= 500 && status is not (503 or 504))
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        else
            logger.LogInformation("Request refused with {Status}: {Title}", status, title);

        if (httpContext.Response.HasStarted)
            return false;

        httpContext.Response.StatusCode = status;
        if (httpContext.RequestServices.GetService<IHtmlErrorPage>() is { } page && page.Handles(httpContext))
        {
            await page.WriteAsync(httpContext, status, title, detail);
            return true;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Describe(JsonException json) =>
        json.Path is { Length: > 0 } path
            ? $"The value at '{path.TrimStart('$', '.')}' could not be read. Check its type and format."
            : "The body could not be read as JSON.";
}

/// <summary>Stops a handler with a problem answer when a typed result cannot be returned from where the rule is checked.</summary>
public sealed class ProblemException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}
