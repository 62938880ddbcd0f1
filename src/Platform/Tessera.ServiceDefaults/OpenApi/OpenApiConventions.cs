using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Tessera.ServiceDefaults.Json;

namespace Tessera.ServiceDefaults.OpenApi;

/// <summary>
/// How every service describes itself at /openapi/v1.json: one schema per type under its full name (two request
/// records both called "Request" must never share a schema), the real JSON types of values the services convert
/// themselves (decimals, text, moments), and per operation who may call it (<see cref="AccessExtension"/>) and which
/// body properties its handler binds (<see cref="BindsExtension"/>). The route matrix tests read both.
/// </summary>
public static class OpenApiConventions
{
    /// <summary>{"anonymous": bool, "roles": [[…], …]}: a caller needs one role of every inner list; none listed means any signed-in user.</summary>
    public const string AccessExtension = "x-tessera-access";

    /// <summary>{"type": "…", "properties": […]}: the JSON properties of the body the handler binds, from its type's contract.</summary>
    public const string BindsExtension = "x-tessera-binds";

    public static void Configure(OpenApiOptions options)
    {
        options.CreateSchemaReferenceId = info => OpenApiOptions.CreateDefaultSchemaReferenceId(info) is null ? null : SchemaId(info.Type);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            var nullable = context.JsonTypeInfo.Type != type || context.JsonPropertyInfo is { IsSetNullable: true } && !type.IsValueType;
            var kind = type == typeof(decimal) ? JsonSchemaType.Number
                : type == typeof(string) || type == typeof(DateTimeOffset) ? JsonSchemaType.String
                : (JsonSchemaType?)null;
            if (kind is { } value)
            {
                schema.Type = nullable ? value | JsonSchemaType.Null : value;
                schema.Format = type == typeof(DateTimeOffset) ? "date-time" : type == typeof(decimal) ? "decimal" : schema.Format;
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[AccessExtension] = new JsonNodeExtension(await AccessAsync(metadata, context.ApplicationServices));
            if (metadata.OfType<IAcceptsMetadata>().FirstOrDefault()?.RequestType is { } body && body != typeof(object))
                operation.Extensions[BindsExtension] = new JsonNodeExtension(Binds(body, context.ApplicationServices));
        });
    }

    /// <summary>"Tessera.Orders.Features.PlaceOrder.Request", "Tessera.ServiceDefaults.Api.PagedResultOf…": unique, and a legal schema id.</summary>
    public static string SchemaId(Type type)
    {
        if (type.IsGenericType)
        {
            var name = type.GetGenericTypeDefinition().FullName!;
            name = name[..name.IndexOf('`', StringComparison.Ordinal)];
            return Clean(name) + "Of" + string.Join("And", type.GetGenericArguments().Select(SchemaId));
        }
        return type.IsArray ? SchemaId(type.GetElementType()!) + "Array" : Clean(type.FullName ?? type.Name);
    }

    private static string Clean(string name) => name.Replace('+', '.');

    private static async Task<JsonObject> AccessAsync(IList<object> metadata, IServiceProvider services)
    {
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>())
                     ?? await provider.GetFallbackPolicyAsync();
        var roles = new JsonArray();
        foreach (var requirement in policy?.Requirements.OfType<RolesAuthorizationRequirement>() ?? [])
            roles.Add(new JsonArray(requirement.AllowedRoles.Order(StringComparer.Ordinal).Select(r => (JsonNode)JsonValue.Create(r)).ToArray()));
        return new JsonObject { ["anonymous"] = anonymous, ["roles"] = roles };
    }

    private static JsonObject Binds(Type body, IServiceProvider services)
    {
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var info = json.GetTypeInfo(body);
        var properties = info.Kind == JsonTypeInfoKind.Object
            ? new JsonArray(info.Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null)
                .Select(p => (JsonNode)JsonValue.Create(p.Name)).ToArray())
            : new JsonArray();
        return new JsonObject { ["type"] = body.FullName, ["kind"] = info.Kind.ToString(), ["properties"] = properties };
    }
}

internal static class OpenApiRegistration
{
    public static IServiceCollection AddTesseraOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(OpenApiConventions.Configure);
}
