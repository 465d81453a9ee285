using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Gateway.Console.Tests;

/// <summary>
/// The policies page and the dashboard in a real browser: a profile edited with an error (marked at its line, nothing
/// saved), fixed, dry-run against the unsaved edit, saved, its versions diffed and rolled back; the dashboard's figures
/// against the API's; what the auditor and the policy admin are offered.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class PolicyConsoleTests(ConsoleFixture fx)
{
    private static string Profile(string name, string domain) => $"""
        # console test profile
        name: {name}
        description: Console policy editing test
        protocols: [admin]
        authentication: [api-key]
        keys:
          ec: [P-256]
        san:
          dns:
            allow: ["*.{domain}"]
          onDisallowed: refuse
        validity:
          default: 10d
          max: 10d
        extensions:
          keyUsage: [digitalSignature]
          extendedKeyUsage: [clientAuth]

        """;

    private async Task<JsonElement> ProfileAsync(string name)
    {
        using var api = fx.Api();
        return JsonDocument.Parse(await api.GetStringAsync($"/api/v1/profiles/{name}")).RootElement;
    }

    private static Task SetEditorAsync(IPage page, string text) => page.FillAsync("#profile-editor", text);

    [Fact]
    public async Task Policy_admin_edits_with_an_error_sees_it_at_its_line_fixes_it_dry_runs_saves_and_rolls_back()
    {
        var name = "console-edit-" + Guid.NewGuid().ToString("N")[..8];
        using (var api = fx.Api())
        using (var put = await api.PutAsync($"/api/v1/profiles/{name}", new StringContent(Profile(name, "before.test"), Encoding.UTF8, "application/yaml")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var page = await fx.SignedInPageAsync(ConsoleFixture.PolicyAdminKey);
        Assert.Contains("policy-admin", await page.InnerTextAsync("#who"));
        // A policy admin reads no certificates: the console does not offer what the API would refuse.
        Assert.False(await page.IsVisibleAsync("a[href='/console/dashboard']"));
        Assert.False(await page.IsVisibleAsync("a[href='/console/certificates']"));
        await page.WaitForSelectorAsync($"tr[data-profile='{name}']");
        await fx.ScreenshotAsync(page, "policies");
        await page.ClickAsync($"tr[data-profile='{name}']");
        await page.WaitForSelectorAsync("#profile-editor");
        Assert.Contains("*.before.test", await page.InputValueAsync("#profile-editor"));
        // Optional parts left out are not printed as the text "null".
        Assert.False(await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('#main, #main *')].some(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent === 'null'))"));

        // An error: an unknown extended key usage. It is marked at its line and listed; saving is refused and nothing changes.
        var broken = Profile(name, "after.test").Replace("extendedKeyUsage: [clientAuth]", "extendedKeyUsage: [clientAuthentication]", StringComparison.Ordinal);
        var errorLine = broken.Split('\n').ToList().FindIndex(l => l.Contains("clientAuthentication", StringComparison.Ordinal)) + 1;
        await SetEditorAsync(page, broken);
        await page.ClickAsync("#validate-button");
        await page.WaitForSelectorAsync("#editor-errors li");
        Assert.Equal(errorLine.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.GetAttributeAsync(".gutter .line-error", "data-line"));
        Assert.Contains($"Line {errorLine}", await page.InnerTextAsync("#editor-errors"));
        Assert.Contains("extendedKeyUsage", await page.InnerTextAsync("#editor-errors"));
        await page.ClickAsync("#save-button");
        await page.WaitForFunctionAsync("() => document.querySelector('#editor-status').textContent.includes('Not saved')");
        await fx.ScreenshotAsync(page, "policy-editor-error");
        Assert.Equal(1, (await ProfileAsync(name)).GetProperty("version").GetInt32());
        // A click on the error puts the cursor on its line.
        await page.ClickAsync("#editor-errors a");
        var caretLine = await page.EvaluateAsync<int>("() => { const a = document.querySelector('#profile-editor'); return a.value.slice(0, a.selectionStart).split('\\n').length; }");
        Assert.Equal(errorLine, caretLine);

        // Fixed: valid, not yet saved. A dry run evaluates the unsaved edit: the new name is allowed by it (the stored version would refuse it).
        await SetEditorAsync(page, Profile(name, "after.test"));
        await page.ClickAsync("#validate-button");
        await page.WaitForFunctionAsync("() => document.querySelector('#editor-status').textContent.startsWith('Valid')");
        Assert.Equal(0, await page.Locator(".gutter .line-error").CountAsync());
        await page.FillAsync("#dry-run-csr", ConsoleFixture.Csr("door-7.after.test"));
        await page.ClickAsync("#dry-run-button");
        await page.WaitForSelectorAsync("#dry-run-decision");
        Assert.Equal("allow", await page.InnerTextAsync("#dry-run-decision"), ignoreCase: true);
        Assert.Contains("(unsaved)", await page.InnerTextAsync("#dry-run-result"));
        Assert.Contains("DNS:door-7.after.test", await page.InnerTextAsync("#dry-run-template"));
        Assert.Contains("clientAuth", await page.InnerTextAsync("#dry-run-template"));
        await fx.ScreenshotAsync(page, "policy-dry-run");
        Assert.Equal(1, (await ProfileAsync(name)).GetProperty("version").GetInt32());
        // A name the edit does not allow is denied, with the rule that fired.
        await page.FillAsync("#dry-run-csr", ConsoleFixture.Csr("door-7.before.test"));
        await page.ClickAsync("#dry-run-button");
        await page.WaitForFunctionAsync("() => document.querySelector('#dry-run-decision')?.textContent === 'deny'");
        Assert.Contains("san.dns", await page.InnerTextAsync("#dry-run-rules"));

        // Saved: version 2 holds the edit.
        await page.ClickAsync("#save-button");
        await page.WaitForFunctionAsync("() => document.querySelector('#editor-status')?.textContent.includes('Saved as version 2')");
        var saved = await ProfileAsync(name);
        Assert.Equal(2, saved.GetProperty("version").GetInt32());
        Assert.Contains("*.after.test", saved.GetProperty("document").GetString());
        Assert.Equal("api-key:policy-admin-1", saved.GetProperty("author").GetString());

        // Versions: version 2's diff against 1; roll back to 1 after a confirmation (stored as version 3).
        Assert.Contains("+", await page.InnerTextAsync("#version-diff"));
        Assert.Contains("after.test", await page.InnerTextAsync("#version-diff .add"));
        await page.ClickAsync("#versions tr[data-version='1']");
        await page.ClickAsync("#rollback-button");
        Assert.True(await page.IsVisibleAsync("#rollback-confirmation"));
        await fx.ScreenshotAsync(page, "policy-versions");
        Assert.Equal(2, (await ProfileAsync(name)).GetProperty("version").GetInt32());
        await page.ClickAsync("#rollback-confirm");
        await page.WaitForFunctionAsync("() => document.querySelector('#version-message')?.textContent.includes('now version 3')");
        var rolledBack = await ProfileAsync(name);
        Assert.Equal(3, rolledBack.GetProperty("version").GetInt32());
        Assert.Contains("*.before.test", rolledBack.GetProperty("document").GetString());
        Assert.Contains("*.before.test", await page.InputValueAsync("#profile-editor"));
    }

    [Fact]
    public async Task A_new_profile_is_created_from_the_console()
    {
        var name = "console-new-" + Guid.NewGuid().ToString("N")[..8];
        var page = await fx.SignedInPageAsync(ConsoleFixture.AdminKey);
        await page.ClickAsync("a[href='/console/policies']");
        await page.FillAsync("#new-profile-name", name);
        await page.ClickAsync("#new-profile-form button[type=submit]");
        await page.WaitForSelectorAsync("#profile-editor");
        Assert.Contains($"name: {name}", await page.InputValueAsync("#profile-editor"));
        using var api = fx.Api();
        using (var missing = await api.GetAsync($"/api/v1/profiles/{name}")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await page.ClickAsync("#save-button");
        await page.WaitForSelectorAsync("#versions");
        Assert.Equal(1, (await ProfileAsync(name)).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Auditor_reads_a_profile_and_may_dry_run_but_is_offered_no_save_or_rollback()
    {
        var page = await fx.SignedInPageAsync(ConsoleFixture.AuditorKey);
        await page.GotoAsync("/console/policies/web-server");
        await page.WaitForSelectorAsync("#profile-editor");
        Assert.Equal(0, await page.Locator("#save-button").CountAsync());
        Assert.Equal(0, await page.Locator("#new-profile-form").CountAsync());
        Assert.NotNull(await page.GetAttributeAsync("#profile-editor", "readonly"));
        Assert.Equal(0, await page.Locator("#rollback-button").CountAsync());
        await page.FillAsync("#dry-run-csr", ConsoleFixture.Csr("www.auditor.test"));
        await page.ClickAsync("#dry-run-button");
        await page.WaitForSelectorAsync("#dry-run-decision");
        await fx.ScreenshotAsync(page, "policy-auditor");
        // The API refuses a change anyway.
        using var api = fx.Api(ConsoleFixture.AuditorKey);
        using var refused = await api.PutAsync("/api/v1/profiles/web-server", new StringContent("name: web-server", Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Dashboard_shows_the_apis_figures_and_a_chart_of_issuance()
    {
        using var api = fx.Api();
        for (var i = 0; i < 2; i++)
        {
            using var issued = await api.PostAsJsonAsync("/api/v1/enrollments", new { profile = "web-server", csr = ConsoleFixture.Csr($"dash-{i}-{Guid.NewGuid().ToString("N")[..6]}.test") });
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        }
        using (var refused = await api.PostAsJsonAsync("/api/v1/enrollments", new { profile = "console-manual", csr = ConsoleFixture.Csr("refused.example.org") }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var page = await fx.SignedInPageAsync(ConsoleFixture.AdminKey);
        await page.WaitForSelectorAsync("#issuance-chart rect[data-protocol='admin']");
        var figures = JsonDocument.Parse(await api.GetStringAsync("/api/v1/dashboard")).RootElement;
        Assert.Equal(figures.GetProperty("issuedTotal").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            (await page.InnerTextAsync("#card-issued .card-value")).Trim());
        Assert.Equal(figures.GetProperty("pendingApprovals").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            (await page.InnerTextAsync("#card-pending .card-value")).Trim());
        var charted = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('#issuance-chart rect[data-count]')].reduce((s, r) => s + Number(r.dataset.count), 0)");
        Assert.Equal(figures.GetProperty("issuedTotal").GetInt64(), charted);
        Assert.Contains("web-server", await page.InnerTextAsync("#issued-by-profile"));
        Assert.Contains("refused.example.org", await page.InnerTextAsync("#recent-rejections"));
        Assert.Contains("bad-name", await page.InnerTextAsync("#recent-rejections"));
        await fx.ScreenshotAsync(page, "dashboard");

        await page.ClickAsync("button[data-range='30d']");
        await page.WaitForFunctionAsync("() => document.querySelector('#issuance-chart')?.getAttribute('aria-label').includes('per day')");
        await page.ClickAsync("#card-expiring-30");
        await page.WaitForSelectorAsync("#certificates table");
        Assert.Equal("30", await page.InputValueAsync("#filter-expiringWithinDays"));
    }
}
