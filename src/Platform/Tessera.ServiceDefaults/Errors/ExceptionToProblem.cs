using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.ServiceDefaults.Json;

namespace Tessera.ServiceDefaults.Errors;

/// <summary>Every exception leaves as problem details: never a stack trace, always a trace id to quote to support.</summary>
internal sealed class ExceptionToProblem(IProblemDetailsService problems, ILogger<ExceptionToProblem> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var binding = exception is BadHttpRequestException refused ? BindingProblems.FromBadRequest(httpContext, refused) : null;
        if (binding is { } field)
            return await WriteFieldProblemAsync(httpContext, exception, field.Status, field.Title, field.Error);
        if (exception is JsonException json)
            return await WriteFieldProblemAsync(httpContext, exception, StatusCodes.Status400BadRequest, "The request is not valid",
                BindingProblems.FromJson(json, null, TesseraJson.Input));

        var (status, title, detail) = exception switch
        {
            ProblemException problem => (problem.Status, problem.Title, problem.Message),
            DependencyUnavailableException dependency => (StatusCodes.Status503ServiceUnavailable,
                $"{char.ToUpperInvariant(dependency.Service[0])}{dependency.Service[1..]} is unavailable",
                $"This request needs {dependency.Service}, which is not answering right now. Try again shortly; nothing was saved."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, "The body is too large", "Send a smaller request body."),
            BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } =>
                (StatusCodes.Status408RequestTimeout, "The body came too slowly", "Send the whole request body without pausing."),
            BadHttpRequestException bad =>
                (bad.StatusCode, "The request is not valid", bad.Message),
            // A value within every input bound still made a computed amount exceed what a decimal holds.
            OverflowException =>
                (StatusCodes.Status422UnprocessableEntity, "A computed amount is too large",
                    "Quantities and prices this large multiply or add up to more than can be recorded. Use smaller values."),
            // The request named the version it changes (If-Match) and another change of that version was saved first:
            // what a check of the version would have answered had the other change committed a moment earlier.
            DbUpdateConcurrencyException when httpContext.Request.Headers.IfMatch.Count > 0 =>
                (StatusCodes.Status412PreconditionFailed, "The record was changed by someone else",
                    "Another change was saved first, so the version in If-Match is no longer the current one. Reload the record and apply your change again."),
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

        return await WriteAsync(httpContext, exception, new ProblemDetails { Status = status, Title = title, Detail = detail });
    }

    private async ValueTask<bool> WriteFieldProblemAsync(HttpContext httpContext, Exception exception, int status, string title, FieldError error)
    {
        logger.LogInformation("Request refused with {Status}: {Title} ({Field})", status, title, error.Field);
        return await WriteAsync(httpContext, exception,
            new HttpValidationProblemDetails(new Dictionary<string, string[]> { [error.Field] = [error.Message] })
            {
                Status = status,
                Title = title,
                Detail = $"{error.Field}: {error.Message}",
            });
    }

    private async ValueTask<bool> WriteAsync(HttpContext httpContext, Exception exception, ProblemDetails problem)
    {
        if (httpContext.Response.HasStarted)
            return false;
        httpContext.Response.StatusCode = problem.Status!.Value;
        if (httpContext.RequestServices.GetService<IHtmlErrorPage>() is { } page && page.Handles(httpContext))
        {
            await page.WriteAsync(httpContext, problem.Status.Value, problem.Title!, problem.Detail!);
            return true;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }
}

/// <summary>Stops a handler with a problem answer when a typed result cannot be returned from where the rule is checked.</summary>
public sealed class ProblemException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}
