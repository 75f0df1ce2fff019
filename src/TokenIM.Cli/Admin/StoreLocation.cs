using System.CommandLine;
using TokenIM.Server.Hosting;
using TokenIM.Server.Storage;

namespace TokenIM.Cli.Admin;

/// <summary>
/// Where a server keeps its store, read from its configuration as the server reads it (appsettings, environment,
/// <c>--data DIR</c> and <c>--Section:Key=value</c> overrides): the databases, the signing keys, the attachment
/// blobs and link secret, the local admin socket. Relative paths are taken from the content root, which is the
/// server's working folder when it is started the usual way.
/// </summary>
internal sealed class StoreLocation
{
    private StoreLocation(TokenImOptions options, string root)
    {
        Options = options;
        string Full(string path) => Path.GetFullPath(path, root);
        DataDirectory = Full(options.DataDirectory);
        KeyDirectory = options.Tokens.KeyDirectory is { Length: > 0 } keys ? Full(keys) : Path.Combine(DataDirectory, "keys");
        AttachmentDirectory = options.Attachments.Directory is { Length: > 0 } blobs ? Full(blobs) : Path.Combine(DataDirectory, "attachments");
        LinkSecretFile = options.Attachments.LinkSecretFile is { Length: > 0 } secret ? Full(secret) : Path.Combine(KeyDirectory, "attachment-links.secret");
        AdminSocket = options.Admin.LocalSocket switch
        {
            null => Path.Combine(DataDirectory, LocalAdminSocket.DefaultFileName),
            "" => null,
            var path => Full(path),
        };
    }

    public TokenImOptions Options { get; }

    public bool IsPostgres => Options.Storage.Provider == "Postgres";

    public string DataDirectory { get; }

    public string DatabaseFile => Path.Combine(DataDirectory, StorageServiceCollectionExtensions.DatabaseFileName);

    public string KeyDirectory { get; }

    public string AttachmentDirectory { get; }

    /// <summary>The attachment-link secret; inside <see cref="KeyDirectory"/> unless configured elsewhere.</summary>
    public string LinkSecretFile { get; }

    public bool LinkSecretInKeys => Path.GetDirectoryName(LinkSecretFile) == KeyDirectory;

    public string? AdminSocket { get; }

    /// <summary>The options every backup and restore command takes to find the server's configuration.</summary>
    internal sealed class Arguments
    {
        public Option<string> ContentRoot { get; } = new("--content-root")
        {
            Description = "The server's folder: its appsettings.json and the base of relative paths. The default is the current folder.",
            DefaultValueFactory = _ => ".",
            HelpName = "DIR",
        };

        public Option<string?> Data { get; } = new("--data")
        {
            Description = "The server's data directory, as the server's own --data switch (overrides TokenIM:DataDirectory).",
            HelpName = "DIR",
        };

        public void AddTo(Command command)
        {
            command.Options.Add(ContentRoot);
            command.Options.Add(Data);
            // Anything else (--TokenIM:Storage:Provider=Postgres …) is a configuration override, as on the server.
            command.TreatUnmatchedTokensAsErrors = false;
        }

        public StoreLocation Read(ParseResult result)
        {
            var root = Path.GetFullPath(result.GetValue(ContentRoot) ?? ".");
            List<string> args = [.. result.UnmatchedTokens];
            if (result.GetValue(Data) is { } data)
                args.AddRange(["--data", Path.GetFullPath(data)]);
            return new StoreLocation(TokenImConfiguration.Bind(TokenImConfiguration.Load(root, args)), root);
        }
    }
}
