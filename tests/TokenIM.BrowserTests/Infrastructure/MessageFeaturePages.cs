using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TokenIM.BrowserTests.Infrastructure;

/// <summary>The message menu, reactions, the composer's reply/edit/file controls, the conversation menu and search, as a user reaches them.</summary>
public static class MessageFeaturePages
{
    /// <summary>Opens a message's "⋯" menu and picks an action by its label (Reply, React, Edit, Forward, Recall, Delete for me).</summary>
    public static async Task ActOnAsync(this ChatApp app, string messageText, string action)
    {
        var message = app.ExactMessage(messageText);
        await message.GetByRole(AriaRole.Button, new() { Name = "Message actions", Exact = true }).ClickAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = action, Exact = true }).ClickAsync();
    }

    /// <summary>Reacts to a message through its menu with one emoji of the set.</summary>
    public static async Task ReactAsync(this ChatApp app, string messageText, string emoji)
    {
        await app.ActOnAsync(messageText, "React");
        await app.ExactMessage(messageText).GetByRole(AriaRole.Button, new() { Name = $"React with {emoji}", Exact = true }).ClickAsync();
    }

    /// <summary>The bubble whose own text is exactly this (not one that only quotes it).</summary>
    public static ILocator ExactMessage(this ChatApp app, string text) =>
        app.Messages.Filter(new() { Has = app.Page.Locator(".text").Filter(new() { HasTextRegex = new Regex($"^{Regex.Escape(text)}$") }) });

    /// <summary>The reaction chip of an emoji under a message.</summary>
    public static ILocator Reaction(this ChatApp app, string messageText, string emoji) =>
        app.ExactMessage(messageText).Locator($"[data-testid='reaction'][data-emoji='{emoji}']");

    /// <summary>Answers a message: menu → Reply, then the text, sent with Enter.</summary>
    public static async Task ReplyAsync(this ChatApp app, string toText, string text)
    {
        await app.ActOnAsync(toText, "Reply");
        await Expect(app.Page.GetByTestId("replying")).ToBeVisibleAsync();
        await app.SendAsync(text);
    }

    /// <summary>Edits one of the user's messages: menu → Edit, a new text, saved with Enter.</summary>
    public static async Task EditAsync(this ChatApp app, string oldText, string newText)
    {
        await app.ActOnAsync(oldText, "Edit");
        await Expect(app.Page.GetByTestId("editing")).ToBeVisibleAsync();
        await app.Composer.FillAsync(newText);
        await app.Composer.PressAsync("Enter");
        await Expect(app.Page.GetByTestId("editing")).ToHaveCountAsync(0);
    }

    /// <summary>Recalls a message for everyone: menu → Recall, confirmed.</summary>
    public static async Task RecallAsync(this ChatApp app, string text)
    {
        await app.ActOnAsync(text, "Recall");
        await app.Page.GetByTestId("confirm-accept").ClickAsync();
    }

    /// <summary>Attaches a file through the composer's file button (the hidden input), and waits for the upload to finish.</summary>
    public static async Task AttachAsync(this ChatApp app, string name, string mimeType, byte[] content)
    {
        await app.Page.GetByTestId("file-input").SetInputFilesAsync(new FilePayload { Name = name, MimeType = mimeType, Buffer = content });
        await Expect(app.Page.GetByTestId("upload-progress")).ToHaveCountAsync(0);
    }

    /// <summary>The recall tombstone at a seq.</summary>
    public static ILocator Tombstone(this ChatApp app) => app.Page.Locator("[data-testid='message'][data-recalled='true']");

    /// <summary>Toggles one of the open chat's menu entries (Mute, Pin, Archive, Block and their opposites).</summary>
    public static async Task ConversationMenuAsync(this ChatApp app, string entry)
    {
        await app.Page.GetByTestId("conversation-menu").ClickAsync();
        await app.Button(entry).ClickAsync();
    }

    /// <summary>Searches messages from the sidebar; returns the results list.</summary>
    public static async Task<ILocator> SearchMessagesAsync(this ChatApp app, string query)
    {
        var box = app.Page.GetByTestId("message-search");
        await box.FillAsync(query);
        await box.PressAsync("Enter");
        // The list names the query it answers: until this one's answer is in, it may still show the last one's.
        var results = app.Page.GetByTestId("search-results");
        await Expect(results).ToHaveAttributeAsync("data-query", query);
        await Expect(results).ToHaveAttributeAsync("aria-busy", "false");
        return results;
    }
}
