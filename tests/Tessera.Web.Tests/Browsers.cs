using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Tessera.Testing;

namespace Tessera.Web.Tests;

/// <summary>Browser-like clients of the in-process front-end: cookies kept, redirects not followed (forms: <see cref="PageForms"/>).</summary>
public static class Browsers
{
    public static HttpClient New(GatewayFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<HttpClient> SignedInAsync(GatewayFactory factory, string tenant = "demo", string username = "admin",
        string password = GatewayFactory.AdminPassword)
    {
        var browser = New(factory);
        var response = await browser.SignInAsync(tenant, username, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    public static string Token(string html) => PageForms.Token(html);
}
