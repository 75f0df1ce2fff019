using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>The admin console as the tests see it: the entry by its name, tabs by role and name, rows by test id.</summary>
public sealed class AdminConsolePage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Entry => Page.GetByRole(AriaRole.Button, new() { Name = "Admin console", Exact = true });

    public ILocator Tab(string name) => Page.GetByRole(AriaRole.Tab, new() { Name = name, Exact = true });

    public ILocator Chart(string id) => Page.GetByTestId($"chart-{id}");

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator UserRow(string username) => Page.GetByTestId("admin-user-row").And(Page.Locator($"[data-username='{username}']"));

    public async Task OpenAsync()
    {
        await Entry.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Admin console", Exact = true })).ToBeVisibleAsync();
    }

    public async Task FindUserAsync(string username)
    {
        await Tab("Users").ClickAsync();
        await Page.GetByRole(AriaRole.Searchbox, new() { Name = "Find users", Exact = true }).FillAsync(username);
        await Button("Find").ClickAsync();
        await Expect(UserRow(username)).ToBeVisibleAsync();
    }

    /// <summary>The points drawn by each series of a chart (its paths' <c>data-points</c>).</summary>
    public async Task<int[]> PointsAsync(string chart) =>
        [.. (await Chart(chart).Locator("path").EvaluateAllAsync<string[]>("ps => ps.map(p => p.getAttribute('data-points'))"))
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
}
