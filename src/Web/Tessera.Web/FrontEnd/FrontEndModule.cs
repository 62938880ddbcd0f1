using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Polly;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Gateway;
using Tessera.Web.Services;

namespace Tessera.Web.FrontEnd;

/// <summary>The pages: Razor Pages with htmx fragments, authorized by role, composed from the services' APIs.</summary>
public static class FrontEndModule
{
    public static readonly CultureInfo[] Cultures = Languages.Supported;

    /// <summary>Roles that may change each area; everybody signed in may look.</summary>
    public static class Policies
    {
        public const string ManageProducts = "products.manage";
        public const string Sell = "orders.sell";
        public const string ReceiveStock = "inventory.receive";
        public const string Purchase = "procurement.purchase";

        /// <summary>Receiving goods against purchase orders and sending them back: purchasing, and the warehouse people at the door.</summary>
        public const string ReceivePurchases = "procurement.receive";
        public const string Ship = "logistics.ship";

        /// <summary>Running the warehouse's models and adding models of the tenant's own: finance and administrators.</summary>
        public const string RunReports = "reporting.run";
        public const string Administer = "tenant.admin";

        /// <summary>Running the installation (the operations console): its operators only.</summary>
        public const string Operate = "installation.operate";

        /// <summary>Reading the books: finance staff, accountants, operators, administrators and viewers.</summary>
        public const string ReadBooks = "finance.read";

        /// <summary>Posting to the books (manual entries, posting rules, locking periods): accountants and operators only.</summary>
        public const string KeepBooks = "finance.post";
    }

    public static WebApplicationBuilder AddFrontEnd(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.ManageProducts, p => p.RequireRole(Roles.Admin, Roles.Purchasing))
            .AddPolicy(Policies.Sell, p => p.RequireRole(Roles.Admin, Roles.Sales))
            .AddPolicy(Policies.ReceiveStock, p => p.RequireRole(Roles.Admin, Roles.Warehouse))
            .AddPolicy(Policies.Purchase, p => p.RequireRole(Roles.Admin, Roles.Purchasing))
            .AddPolicy(Policies.ReceivePurchases, p => p.RequireRole(Roles.Admin, Roles.Purchasing, Roles.Warehouse))
            .AddPolicy(Policies.Ship, p => p.RequireRole(Roles.Admin, Roles.Warehouse))
            .AddPolicy(Policies.RunReports, p => p.RequireRole(Roles.Admin, Roles.Finance))
            .AddPolicy(Policies.Administer, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Operate, p => p.RequireRole(Roles.Operator))
            .AddPolicy(Policies.ReadBooks, p => p.RequireRole(Roles.Accountant, Roles.Operator, Roles.Finance, Roles.Admin, Roles.Viewer))
            .AddPolicy(Policies.KeepBooks, p => p.RequireRole(Roles.Accountant, Roles.Operator));

        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Account/SignIn");
            o.Conventions.AllowAnonymousToPage("/Account/Denied");
            o.Conventions.AuthorizeFolder("/Operations", Policies.Operate);
            o.Conventions.AuthorizeFolder("/Admin", Policies.Administer);
            o.Conventions.AuthorizeFolder("/Settings", Policies.Administer);
            o.Conventions.AuthorizePage("/Products/Edit", Policies.ManageProducts);
            o.Conventions.AuthorizePage("/Orders/New", Policies.Sell);
            o.Conventions.AuthorizePage("/Customers/New", Policies.Sell);
            o.Conventions.AuthorizePage("/Orders/Edit", Policies.Sell);
            o.Conventions.AuthorizePage("/Orders/Attributes", Policies.Administer);
            o.Conventions.AuthorizePage("/Reports/NewModel", Policies.RunReports);
            o.Conventions.AuthorizePage("/Orders/Alerts", Policies.Sell);
            o.Conventions.AuthorizePage("/Inventory/Receive", Policies.ReceiveStock);
            o.Conventions.AuthorizePage("/Procurement/NewSupplier", Policies.Purchase);
            o.Conventions.AuthorizePage("/Procurement/NewOrder", Policies.Purchase);
            o.Conventions.AuthorizePage("/Procurement/EditOrder", Policies.Purchase);
            o.Conventions.AuthorizePage("/Procurement/Receive", Policies.ReceivePurchases);
            o.Conventions.AuthorizePage("/Procurement/NewReturn", Policies.ReceivePurchases);
            o.Conventions.AuthorizePage("/Inventory/TransferNew", Policies.ReceiveStock);
            o.Conventions.AuthorizePage("/Inventory/CountNew", Policies.ReceiveStock);
            o.Conventions.AuthorizeFolder("/Finance", Policies.ReadBooks);
            o.Conventions.AuthorizePage("/Finance/NewEntry", Policies.KeepBooks);
            o.Conventions.AddPageApplicationModelConvention("/Account/SignIn",
                m => m.EndpointMetadata.Add(new EnableRateLimitingAttribute(RateLimits.SignIn)));
        });
        services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.ModelBinderProviders.Insert(0, new InvariantDecimalBinderProvider()));
        services.AddAntiforgery(o =>
        {
            o.HeaderName = "RequestVerificationToken";
            o.Cookie.Name = "tessera.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddSingleton<IHtmlErrorPage, HtmlErrorPage>();
        // The user documents copied next to the pages (docs/*.md) are shown as text, not offered as downloads.
        services.Configure<StaticFileOptions>(o =>
        {
            var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
            types.Mappings[".md"] = "text/plain; charset=utf-8";
            o.ContentTypeProvider = types;
        });
        services.AddFormatting();
        services.AddSystemHealth();
        services.AddLocalization();
        // Texts come from resources now and are written through the encoder: let it keep letters of every script
        // as they are (Vietnamese, the dash) instead of turning each into a character reference. Markup characters
        // (<, >, &, quotes) are still encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddSingleton<Languages>();
        services.AddSingleton<MessageTranslator>();
        services.AddScoped<Documents.DocumentComposer>();

        services.AddServiceClient<CatalogApi>("catalog");
        services.AddServiceClient<InventoryApi>("inventory");
        services.AddServiceClient<OrdersApi>("orders");
        services.AddServiceClient<LogisticsApi>("logistics");
        services.AddServiceClient<ProcurementApi>("procurement");
        services.AddServiceClient<FinanceApi>("finance");
        services.AddServiceClient<ReportingApi>("reporting");
        services.AddOrderUploads();
        // Exports stream through: no resilience handler (it reads answers whole), no timeout for a long export.
        services.AddHttpClient<OrderExportsApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptionsMonitor<TesseraOptions>>().CurrentValue.ServiceUri("orders");
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler<ServiceAuthenticationHandler>();
        foreach (var service in OperationsApi.Services)
            services.AddNamedServiceClient(service);
        services.AddScoped<OperationsApi>();
        return builder;
    }

    /// <summary>
    /// The client for import uploads: the orders service's address and the caller's token like every service client,
    /// but a resilience pipeline of its own (<see cref="OrderUploadsApi.Resilience"/>).
    /// </summary>
    private static void AddOrderUploads(this IServiceCollection services)
    {
        services.AddKeyedSingleton(OrderUploadsApi.Pipeline, (sp, _) => ResilienceHandler.BuildPipeline(OrderUploadsApi.Resilience, sp.GetRequiredService<TimeProvider>()));
        services.AddHttpClient<OrderUploadsApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptionsMonitor<TesseraOptions>>().CurrentValue.ServiceUri("orders");
                client.Timeout = OrderUploadsApi.Resilience.TotalTimeout + TimeSpan.FromSeconds(5);
            })
            .AddHttpMessageHandler(sp => new ResilienceHandler("orders", sp.GetRequiredKeyedService<ResiliencePipeline<HttpResponseMessage>>(OrderUploadsApi.Pipeline)))
            .AddHttpMessageHandler<ServiceAuthenticationHandler>();
    }

    public static WebApplication UseFrontEnd(this WebApplication app)
    {
        // The tenant's settings first: its default language is one of the places the page's language comes from.
        app.UseTenantSettings();
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("en-US"),
            SupportedCultures = Cultures,
            SupportedUICultures = Cultures,
            RequestCultureProviders = [new PreferenceCultureProvider(), new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()],
        });
        return app;
    }

    public static WebApplication MapFrontEnd(this WebApplication app)
    {
        app.MapRazorPages();
        // The language switch: a plain link (a preference, not a change of data), remembered in a cookie for a year.
        // Signed in, the choice is also remembered with the user's account, so it follows them to another browser.
        app.MapGet("/culture", async (HttpContext context, string culture, string? returnUrl, Languages languages) =>
        {
            if (Cultures.Any(c => c.Name == culture))
            {
                context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
                if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(TesseraClaims.Tenant)?.Value is { } tenant)
                    await languages.ChooseAsync(tenant, context.User.Identity.Name ?? "", culture, context.RequestAborted);
            }
            return Results.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') ? returnUrl : "/");
        }).ExcludeFromDescription();
        return app;
    }
}
