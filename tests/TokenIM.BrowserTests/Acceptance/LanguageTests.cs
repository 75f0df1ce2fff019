using Microsoft.Playwright;
using TokenIM.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Acceptance;

/// <summary>简体中文: the language switch is remembered across a reload, and CJK message text renders.</summary>
public sealed class LanguageTests(BrowserFixture fixture) : BrowserTest(fixture)
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
        await composer.FillAsync("收到！");
        await Expect(ZhButton(app.Page, "发送")).ToBeEnabledAsync();
        await composer.PressAsync("Enter");
        await Expect(app.Message("收到！")).ToHaveAttributeAsync("data-status", "sent");
        await SaveArtifactScreenshotAsync(app.Page, "mobile-chat-zh.png");
    }

    private static ILocator ZhButton(IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
}
