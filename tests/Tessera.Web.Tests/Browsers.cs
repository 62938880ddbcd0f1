using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tessera.Web.Tests;

/// <summary>Browser-like clients of the in-process front-end: cookies kept, redirects not followed, forms posted with their antiforgery token.</summary>
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

    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient browser, string tenant, string username, string password)
    {
        var form = await browser.GetStringAsync("/signin");
        return await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = tenant,
            ["Username"] = username,
            ["Password"] = password,
            ["__RequestVerificationToken"] = Token(form),
        }));
    }

    /// <summary>Posts a page's form fields with the antiforgery token read from the page first.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient browser, string page, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var html = await browser.GetStringAsync(page);
        var form = new List<KeyValuePair<string, string>>(fields) { new("__RequestVerificationToken", Token(html)) };
        return await browser.PostAsync(page, new FormUrlEncodedContent(form));
    }

    /// <summary>Creates a user of the demo tenant with the given roles, as its administrator does on /admin/users.</summary>
    public static async Task CreateUserAsync(this HttpClient admin, string username, string password, params string[] roles)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Username", username), new("Password", password) };
        fields.AddRange(roles.Select(r => new KeyValuePair<string, string>("SelectedRoles", r)));
        var html = await admin.GetStringAsync("/admin/users");
        fields.Add(new("__RequestVerificationToken", Token(html)));
        var response = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(fields));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain($"User {username} was created.");
    }

    public static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|\"RequestVerificationToken\": \"([^\"]+)\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");
}
