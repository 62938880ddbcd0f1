using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Features;

/// <summary>A tenant's own order fields: defined here, validated on every order write, usable in search (attr.name=value).</summary>
public static class AttributeDefinitions
{
    public sealed record Request(string Label, AttributeType? Type, bool Required, IReadOnlyList<string>? AllowedValues);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Label).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Type).NotNull().IsInEnum();
            RuleFor(r => r.AllowedValues).NotEmpty().When(r => r.Type == AttributeType.Choice)
                .WithMessage("A choice needs its allowed values.");
            RuleForEach(r => r.AllowedValues).NotEmpty().MaximumLength(AttributeRules.MaxTextLength);
        }
    }

    public static void Map(RouteGroupBuilder attributes)
    {
        attributes.MapGet("/", List).WithName("ListOrderAttributes");
        attributes.MapPut("/{name}", Save).Validate<Request>().RequireRoles().WithName("SaveOrderAttribute")
            .WithSummary("Define or redefine an order attribute (administrators).");
        attributes.MapDelete("/{name}", Delete).RequireRoles().WithName("DeleteOrderAttribute")
            .WithSummary("Remove an attribute definition; values already on orders stay on them.");
    }

    private static async Task<Ok<List<AttributeDefinitionDto>>> List(OrdersDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.AttributeDefinitions.AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken)).Select(ToDto).ToList());

    private static async Task<Results<Ok<AttributeDefinitionDto>, ValidationProblem>> Save(
        string name, Request request, OrdersDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, AttributeRules.NamePattern))
            return Problems.Validation("name", "An attribute name is 1 to 40 lower-case letters, digits or '_', starting with a letter.");

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var definition = await db.AttributeDefinitions.FirstOrDefaultAsync(a => a.Name == name, cancellationToken);
        if (definition is null)
        {
            definition = new AttributeDefinition { Name = name, Version = 1, CreatedAt = clock.GetUtcNow() };
            db.AttributeDefinitions.Add(definition);
        }
        definition.Label = request.Label.Trim();
        definition.Type = request.Type!.Value;
        definition.Required = request.Required;
        definition.AllowedValues = JsonSerializer.Serialize(request.Type == AttributeType.Choice
            ? request.AllowedValues!.Select(v => v.Trim()).Distinct().ToList()
            : []);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(ToDto(definition));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, OrdersDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var removed = await db.AttributeDefinitions.Where(a => a.Name == name).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed == 0 ? Problems.NotFound("Attribute", name) : TypedResults.NoContent();
    }

    private static AttributeDefinitionDto ToDto(AttributeDefinition a) =>
        new(a.Name, a.Label, a.Type.ToString().ToLowerInvariant(), a.Required, a.Allowed, a.Version);
}
