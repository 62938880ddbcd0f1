using System.Reflection;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.ServiceDefaults.Validation;

public static class ValidationExtensions
{
    /// <summary>Validates the endpoint's <typeparamref name="T"/> argument; errors answer 400 naming each field (e.g. "lines[1].quantity").</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) where T : class =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();

    public static IServiceCollection AddValidatorsFrom(this IServiceCollection services, Assembly assembly)
    {
        // Messages name fields as the client wrote them ("'unitPrice' must not be empty"), not as C# properties.
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : CamelPath(member.Name);
        foreach (var type in assembly.GetTypes().Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            var contract = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>));
            if (contract is not null)
                services.AddSingleton(contract, type);
        }
        return services;
    }

    public static Dictionary<string, string[]> ToProblemErrors(this FluentValidation.Results.ValidationResult result) =>
        result.Errors
            .GroupBy(e => CamelPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    /// <summary>"Lines[0].UnitPrice" → "lines[0].unitPrice", matching the JSON the client sent.</summary>
    public static string CamelPath(string path) =>
        string.Join('.', path.Split('.').Select(segment => segment.Length == 0 ? segment : char.ToLowerInvariant(segment[0]) + segment[1..]));
}

internal sealed class ValidationFilter<T>(IServiceProvider services) : IEndpointFilter where T : class
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
            return Problems.Validation("body", "A request body is required.");

        var validator = services.GetService<IValidator<T>>()
            ?? throw new InvalidOperationException($"No validator is registered for {typeof(T).Name}.");
        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        return result.IsValid ? await next(context) : Problems.Validation(result.ToProblemErrors());
    }
}
