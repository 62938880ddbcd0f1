using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

/// <summary>People at a browser against the front-end under test: signed in as the demo tenant's admin, or as a new user with one role.</summary>
public sealed class PageSessions(ServiceFactory<Program, WebDbContext> factory, string adminPassword)
{
    public HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<HttpClient> SignedInAsync(string username = "admin", string? password = null)
    {
        var browser = Browser();
        var form = await browser.GetStringAsync("/signin");
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = "demo", ["Username"] = username, ["Password"] = password ?? adminPassword, ["__RequestVerificationToken"] = Token(form),
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    /// <summary>A user created through the users page with only this role, signed in.</summary>
    public async Task<HttpClient> UserAsync(string role)
    {
        var admin = await SignedInAsync();
        var username = role + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Username"] = username, ["Password"] = "user-password-1", ["SelectedRoles"] = role, ["__RequestVerificationToken"] = Token(await admin.GetStringAsync("/admin/users")),
        }));
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await SignedInAsync(username, "user-password-1");
    }

    public static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|\"RequestVerificationToken\": \"([^\"]+)\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");
}
