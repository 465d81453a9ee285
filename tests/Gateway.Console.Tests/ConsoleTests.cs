using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Playwright;

namespace Gateway.Console.Tests;

/// <summary>
/// The admin console in a real browser (Debian's Chromium, headless, through Playwright) against a gateway started by
/// the test: sign in, find a certificate issued through the API, revoke it through the confirmation step; the auditor
/// is offered no revocation. Plain HTTP checks of the security headers and of same-origin assets.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleTests(ConsoleFixture fx)
{
    private async Task<string> IssueAsync(string name)
    {
        using var api = fx.Api();
        using var response = await api.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = ConsoleFixture.Csr(name) });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("serial").GetString()!;
    }

    private async Task<string> StatusAsync(string serial)
    {
        using var api = fx.Api();
        return JsonDocument.Parse(await api.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement.GetProperty("status").GetString()!;
    }

    [Fact]
    public async Task Admin_signs_in_finds_a_certificate_issued_through_the_api_and_revokes_it_after_confirming()
    {
        var name = $"console-{Guid.NewGuid().ToString("N")[..8]}.test";
        var serial = await IssueAsync(name);
        var page = await fx.SignedInPageAsync(ConsoleFixture.AdminKey);
        Assert.Contains("admin", await page.InnerTextAsync("#who"));
        await page.ClickAsync("a[href='/console/certificates']");
        await page.WaitForSelectorAsync("#certificates table");
        await fx.ScreenshotAsync(page, "certificates");

        // Search by subject, open the certificate from the list.
        await page.FillAsync("#filter-subject", name);
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForSelectorAsync($"tr[data-serial='{serial}']");
        Assert.Equal(1, await page.Locator("#certificates tbody tr").CountAsync());
        await page.ClickAsync($"tr[data-serial='{serial}']");
        await page.WaitForSelectorAsync("#certificate-fields");
        Assert.Contains(name, await page.InnerTextAsync("#certificate-fields"));
        Assert.Contains("certificate_issued", await page.InnerTextAsync("#history"));
        Assert.Equal(serial + ".pem", await page.GetAttributeAsync("#download-pem", "download"));
        await fx.ScreenshotAsync(page, "certificate-detail");

        // Revoke: nothing happens before the confirmation; cancel keeps it valid.
        await page.SelectOptionAsync("#revoke-reason", "keyCompromise");
        await page.ClickAsync("#revoke-button");
        Assert.True(await page.IsVisibleAsync("#revoke-confirm"));
        Assert.Contains(serial, await page.InnerTextAsync("#revoke-question"));
        await fx.ScreenshotAsync(page, "revoke-confirmation");
        Assert.Equal("Valid", await StatusAsync(serial), ignoreCase: true);
        await page.ClickAsync("#revoke-cancel");
        Assert.False(await page.IsVisibleAsync("#revoke-confirm"));
        Assert.Equal("Valid", await StatusAsync(serial), ignoreCase: true);

        await page.ClickAsync("#revoke-button");
        await page.ClickAsync("#revoke-confirm-button");
        await page.WaitForFunctionAsync("() => document.querySelector('#certificate-status')?.textContent.toLowerCase() === 'revoked'");
        Assert.Equal("Revoked", await StatusAsync(serial), ignoreCase: true);
        Assert.Equal(0, await page.Locator("#revoke-panel").CountAsync());
        using var api = fx.Api();
        var stored = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/certificates/{serial}")).RootElement;
        Assert.Equal("keyCompromise", stored.GetProperty("revocationReason").GetString());

        // Sign out: the key is gone from the tab.
        await page.ClickAsync("#sign-out");
        await page.WaitForSelectorAsync("#sign-in-form");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('gateway-console-api-key')"));
    }

    [Fact]
    public async Task Auditor_sees_certificates_read_only_and_is_offered_no_revocation()
    {
        var serial = await IssueAsync($"auditor-{Guid.NewGuid().ToString("N")[..8]}.test");
        var page = await fx.SignedInPageAsync(ConsoleFixture.AuditorKey);
        Assert.Contains("auditor", await page.InnerTextAsync("#who"));

        await page.GotoAsync($"/console/certificates/{serial}");
        await page.WaitForSelectorAsync("#certificate-fields");

        Assert.Equal(0, await page.Locator("#revoke-button").CountAsync());
        // Optional parts left out are not printed as the text "null".
        Assert.False(await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('#main, #main *')].some(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent === 'null'))"));
        await fx.ScreenshotAsync(page, "certificate-detail-auditor");
        // The API refuses it anyway.
        using var api = fx.Api(ConsoleFixture.AuditorKey);
        using var refused = await api.PostAsJsonAsync($"/api/v1/certificates/{serial}/revoke", new { reason = "keyCompromise" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_at_sign_in()
    {
        var context = await fx.Browser.NewContextAsync(new() { BaseURL = fx.BaseAddress.ToString().TrimEnd('/') });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console");
        await page.FillAsync("#api-key", "not-a-key");
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await page.WaitForFunctionAsync("() => document.querySelector('#sign-in-error').textContent.length > 0");
        Assert.Contains("401", await page.InnerTextAsync("#sign-in-error"));
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('gateway-console-api-key')"));
        await fx.ScreenshotAsync(page, "sign-in-refused");
    }

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/certificates")]
    [InlineData("/console/app.js")]
    [InlineData("/console/app.css")]
    [InlineData("/console/policies.js")]
    [InlineData("/console/dashboard.js")]
    [InlineData("/console/policies/web-server")]
    public async Task Every_console_answer_carries_a_strict_csp_and_security_headers(string path)
    {
        using var http = new HttpClient { BaseAddress = fx.BaseAddress };
        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("style-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task The_page_loads_only_same_origin_assets_and_no_inline_script_or_style()
    {
        using var http = new HttpClient { BaseAddress = fx.BaseAddress };
        var html = await http.GetStringAsync("/console");

        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Matches("<script type=\"module\" src=\"/console/app.js\"></script>", html);
        Assert.DoesNotMatch("<script>|<script type=\"module\">|<style|style=\"", html);
        using var missing = await http.GetAsync("/console/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Admin_approves_a_pending_enrollment_from_the_approvals_page()
    {
        var name = $"pending-{Guid.NewGuid().ToString("N")[..8]}.test";
        using var api = fx.Api();
        using var pending = await api.PostAsJsonAsync("/api/v1/enrollments", new { profile = "console-manual", csr = ConsoleFixture.Csr(name) });
        var body = JsonDocument.Parse(await pending.Content.ReadAsStringAsync()).RootElement;
        Assert.True(pending.StatusCode == HttpStatusCode.Accepted, body.ToString());
        var id = body.GetProperty("enrollmentId").GetString()!;

        var page = await fx.SignedInPageAsync(ConsoleFixture.AdminKey);
        await page.ClickAsync("a[href='/console/approvals']");
        await page.WaitForSelectorAsync($"tr[data-enrollment='{id}']");
        Assert.Contains(name, await page.InnerTextAsync($"tr[data-enrollment='{id}']"));
        Assert.Contains("approval", await page.InnerTextAsync($"tr[data-enrollment='{id}']"));
        await fx.ScreenshotAsync(page, "approvals");

        await page.FillAsync($"input[data-comment='{id}']", "checked with the site, ticket 4711");
        await page.ClickAsync($"button[data-approve='{id}']");
        await page.WaitForFunctionAsync($"() => document.querySelector('#approvals-message')?.textContent.includes('{id}')");
        Assert.Equal(0, await page.Locator($"tr[data-enrollment='{id}']").CountAsync());
        var enrollment = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/enrollments/{id}")).RootElement;
        Assert.Equal("issued", enrollment.GetProperty("status").GetString(), ignoreCase: true);
        Assert.Equal("checked with the site, ticket 4711", enrollment.GetProperty("decision").GetProperty("message").GetString());
        Assert.NotEqual(JsonValueKind.Null, enrollment.GetProperty("certificate").ValueKind);
    }

    [Fact]
    public async Task Admin_creates_a_credential_sees_its_secret_once_and_revokes_it()
    {
        var description = "console-" + Guid.NewGuid().ToString("N")[..8];
        var page = await fx.SignedInPageAsync(ConsoleFixture.AdminKey);
        await page.ClickAsync("a[href='/console/credentials']");
        await page.WaitForSelectorAsync("#credential-form");
        await page.FillAsync("#credential-profile", "iot-device");
        await page.FillAsync("#credential-max-uses", "5");
        await page.FillAsync("#credential-description", description);
        await page.ClickAsync("#credential-form button[type=submit]");
        await page.WaitForSelectorAsync("#created-secret");
        var secret = await page.InputValueAsync("#created-secret");
        Assert.Equal(60, secret.Length);
        var id = secret[..16];
        await page.WaitForSelectorAsync($"tr[data-credential='{id}']");
        await fx.ScreenshotAsync(page, "credentials");

        // The secret is shown once: the list and the API never show it again.
        await page.ReloadAsync();
        await page.WaitForSelectorAsync($"tr[data-credential='{id}']");
        Assert.Equal(0, await page.Locator("#created-secret").CountAsync());
        Assert.DoesNotContain(secret, await page.ContentAsync());

        await page.ClickAsync($"button[data-revoke-credential='{id}']");
        await page.WaitForFunctionAsync($"() => document.querySelector(\"tr[data-credential='{id}'] td:nth-child(3)\")?.textContent.toLowerCase() === 'revoked'");
        using var api = fx.Api();
        var stored = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/credentials/{id}")).RootElement;
        Assert.Equal("revoked", stored.GetProperty("status").GetString(), ignoreCase: true);
        Assert.Equal(description, stored.GetProperty("description").GetString());
    }
}
