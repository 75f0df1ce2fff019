using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Acceptance;

/// <summary>
/// 简体中文: the language switch is remembered across a reload, CJK message text renders, dates and times follow
/// the chosen language, and "发送" stays on one line at phone width.
/// </summary>
public sealed partial class LanguageTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string ChineseText = "你好，世界！明天中午一起吃饭吗？";

    [Fact]
    public async Task LanguageSwitch_SimplifiedChinese_StaysAfterReloadAndRendersCjk()
    {
        var peer = Server.NextUsername("wang");
        await Server.RegisterAsync(peer, ChatApp.Password);
        var app = new ChatApp(await NewUserPageAsync("zh", 375, 812));
        await app.SignUpAsync(Server.NextUsername("li"), "李雷");
        await app.StartDirectChatAsync(peer);
        await app.SendAsync(ChineseText);
        await app.BackButton.ClickAsync();

        await app.LanguageSwitch.SelectOptionAsync("zh-CN");

        await Expect(ZhButton(app.Page, "新建聊天")).ToBeVisibleAsync();
        // The list's time changes with the language at once: a 24-hour clock, no English "AM"/"PM".
        await Expect(app.Page.Locator("[data-testid='conversation-item'] time")).ToHaveTextAsync(Clock24());

        await app.Page.ReloadAsync();

        await Expect(app.Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(ZhButton(app.Page, "新建聊天")).ToBeVisibleAsync();
        await Expect(ZhButton(app.Page, "新建群组")).ToBeVisibleAsync();
        await Expect(ZhButton(app.Page, "退出登录")).ToBeVisibleAsync();
        await app.Page.GetByRole(AriaRole.List, new() { Name = "会话", Exact = true })
            .GetByRole(AriaRole.Button, new() { Name = peer }).ClickAsync();
        var composer = app.Page.GetByRole(AriaRole.Textbox, new() { Name = "消息", Exact = true });
        await Expect(composer).ToBeVisibleAsync();
        await Expect(composer).ToHaveAttributeAsync("placeholder", "输入消息");
        await Expect(app.Message(ChineseText)).ToBeVisibleAsync();
        // The day separator is written in Chinese, e.g. "2026年11月27日周五".
        await Expect(app.Page.GetByRole(AriaRole.Separator)).ToHaveAccessibleNameAsync(ChineseDate());
        await Expect(app.Messages.First.Locator("time")).ToHaveTextAsync(Clock24());
        await composer.FillAsync("收到！");
        await Expect(ZhButton(app.Page, "发送")).ToBeEnabledAsync();
        var sendLines = await ZhButton(app.Page, "发送").EvaluateAsync<int>(
            "b => { const r = document.createRange(); r.selectNodeContents(b); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size }");
        Assert.Equal(1, sendLines);
        await composer.PressAsync("Enter");
        await Expect(app.Message("收到！")).ToHaveAttributeAsync("data-status", "sent");
        await SaveArtifactScreenshotAsync(app.Page, "mobile-chat-zh.png");

        // The same chat at desktop width: both panes, Chinese in the sidebar too.
        await app.Page.SetViewportSizeAsync(1280, 800);
        await Expect(app.Page.GetByRole(AriaRole.Complementary, new() { Name = "会话", Exact = true })).ToBeVisibleAsync();
        await SaveArtifactScreenshotAsync(app.Page, "desktop-chat-zh.png");
    }

    [GeneratedRegex(@"^\d{4}年\d{1,2}月\d{1,2}日")]
    private static partial Regex ChineseDate();

    [GeneratedRegex(@"^\d{2}:\d{2}$")]
    private static partial Regex Clock24();

    private static ILocator ZhButton(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
}
