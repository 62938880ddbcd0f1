using System.Net;
using System.Text.RegularExpressions;
using Shouldly;

namespace Tessera.Testing;

/// <summary>
/// What a browser does with the web front-end's forms, for clients that keep cookies and do not follow redirects: sign
/// in on the sign-in page, post a page's form with its antiforgery token, create a user as a tenant administrator.
/// </summary>
public static partial class PageForms
{
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

    /// <summary>Creates a user of the administrator's tenant with the given roles, on /admin/users.</summary>
    public static async Task CreateUserAsync(this HttpClient admin, string username, string password, params string[] roles)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Username", username), new("Password", password) };
        fields.AddRange(roles.Select(r => new KeyValuePair<string, string>("SelectedRoles", r)));
        var response = await admin.PostFormAsync("/admin/users", fields);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain($"User {username} was created.");
    }

    /// <summary>Changes a user on /admin/users/{username}: roles, disabled, and a new password when given.</summary>
    public static Task<HttpResponseMessage> EditUserAsync(this HttpClient admin, string username, IEnumerable<string> roles, bool disabled = false,
        string? newPassword = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("DisplayName", "") };
        if (disabled)
            fields.Add(new("Disabled", "true"));
        if (newPassword is not null)
            fields.Add(new("NewPassword", newPassword));
        fields.AddRange(roles.Select(r => new KeyValuePair<string, string>("SelectedRoles", r)));
        return admin.PostFormAsync($"/admin/users/{username}", fields);
    }

    public static string Token(string html) =>
        AntiforgeryToken().Match(html) is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|\"RequestVerificationToken\": \"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
