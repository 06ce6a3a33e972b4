using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OneClick.Web.Features.Api;

/// <summary>
/// The OpenAPI document of the JSON API (<c>/openapi/v1.json</c>) and its browsable page
/// (<c>/api/docs</c>, Swagger UI). The handlers read their bodies
/// themselves and return <see cref="IResult"/>, so the endpoints carry what the generator cannot see:
/// the body each POST reads, every answer with its schema, and the header parameters; the
/// transformers here turn that metadata into the document.
/// </summary>
public static class ApiDocument
{
    public const string DocumentName = "v1";

    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>The browsable API reference (Swagger UI over the document).</summary>
    public const string PagePath = "/api/docs";

    public const string SecuritySchemeName = "ApiKey";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            // The merchant API only: the buyer pages, the back-office and /salestatus are no part of it.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(DescribeOperationAsync);
            options.AddSchemaTransformer(ApiSchemas.TransformAsync);
        });

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        // Outside the /api/v1 group: the document and its page need no API key.
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapSwaggerUI(PagePath.TrimStart('/'), options =>
        {
            options.DocumentTitle = "OneClick API";
            options.SwaggerEndpoint(DocumentPath, "OneClick API v1");
            options.ConfigObject.DisplayOperationId = true;
        });
        return app;
    }

    /// <summary>Endpoint metadata: a JSON body the handler reads itself, documented as the request body.</summary>
    public sealed record RequestBody(Type Type, string Description);

    /// <summary>Endpoint metadata: the POST honours an <c>Idempotency-Key</c> header.</summary>
    public sealed record Idempotent;

    /// <summary>Endpoint metadata: when the endpoint answers <paramref name="Status"/>, in words.</summary>
    public sealed record Answer(int Status, string Description);

    /// <summary>An answer with a JSON body of type <typeparamref name="T"/>.</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder builder, int status, string description) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(T), ["application/json"]), new Answer(status, description));

    /// <summary>A refusal: RFC 9457 problem details (<see cref="ApiProblem"/>).</summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, int status, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ApiProblem), [ApiAnswer.ProblemContentType]), new Answer(status, description));

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "OneClick API",
            Version = DocumentName,
            Description =
                "The JSON API of the OneClick payment gateway for merchants' servers: orders paid on the hosted page or by a payment link, " +
                "and CIT contracts (a card saved with the customer's consent and charged again when the customer starts a payment). " +
                "Every request carries the shop's API key in the X-API-KEY header. Amounts are in minor units (999 is 9.99). " +
                "A POST with an Idempotency-Key header runs once: the same key with the same body answers the first answer again. " +
                "Errors are RFC 9457 problem details (application/problem+json) whose errors name each field by its JSON path.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiEndpoints.KeyHeader,
            Description = "The shop's API key. Create one in the back-office: Shops, API keys. It is shown once; the gateway keeps only its hash.",
        };
        foreach (var (path, item) in document.Paths)
        {
            if (!path.StartsWith("/api/v1/", StringComparison.Ordinal) || item.Operations is null)
            {
                continue;
            }

            foreach (var operation in item.Operations.Values)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] }];
            }
        }

        return Task.CompletedTask;
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<RequestBody>().FirstOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = body.Description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await ComponentAsync(body.Type, context, cancellationToken) },
                },
            };
        }

        if (metadata.OfType<Idempotent>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ApiEndpoints.IdempotencyHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description =
                    "Your unique id of this request (1 to 255 printable ASCII characters without spaces, e.g. a UUID). " +
                    "Sending the same key with the same body again answers the first answer again, with the header Idempotent-Replayed: true, " +
                    "and changes nothing; the same key with another body, or while the first request is still running, is refused with 409. " +
                    "Keys are kept 24 hours.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255 },
            });
        }

        if (operation.Responses is { } responses)
        {
            // In the order of their status codes, 200 first, not in the order the metadata was added.
            var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            responses.Clear();
            foreach (var (status, response) in sorted)
            {
                responses[status] = response;
            }
        }

        foreach (var answer in metadata.OfType<Answer>())
        {
            if (operation.Responses?.TryGetValue(answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true && response is OpenApiResponse concrete)
            {
                concrete.Description = answer.Description;
                if (answer.Status == StatusCodes.Status429TooManyRequests)
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers["Retry-After"] = new OpenApiHeader
                    {
                        Description = "The seconds to wait before the limit takes requests again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                    };
                }

                if (answer.Status == StatusCodes.Status200OK && metadata.OfType<Idempotent>().Any())
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers["Idempotent-Replayed"] = new OpenApiHeader
                    {
                        Description = "true when this is the stored answer of an earlier request with the same Idempotency-Key.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
                    };
                }
            }
        }
    }

    /// <summary>
    /// The schema of a body record as a component, its own records as components too, as the generator
    /// does for the types it finds itself (it inlines them in a schema asked for by type).
    /// </summary>
    private static async Task<IOpenApiSchema> ComponentAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(type.Name) != true)
        {
            var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                if (propertyType.Namespace == typeof(ApiDocument).Namespace && schema.Properties?.ContainsKey(name) == true)
                {
                    schema.Properties[name] = await ComponentAsync(propertyType, context, cancellationToken);
                }
            }

            document.AddComponent<IOpenApiSchema>(type.Name, schema);
        }

        return new OpenApiSchemaReference(type.Name, document);
    }
}
