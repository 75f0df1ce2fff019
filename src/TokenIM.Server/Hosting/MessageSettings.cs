using System.ComponentModel.DataAnnotations;

namespace TokenIM.Server.Hosting;

/// <summary>The rules of changing sent messages (<c>TokenIM:Messages</c>).</summary>
internal sealed class MessageSettings
{
    /// <summary>How long after sending the sender may edit a message (later edits get <c>409 edit_window_closed</c>); 1 second to 10 years. The default is 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long after sending the sender may recall a message (delete it for everyone; later recalls get
    /// <c>409 recall_window_closed</c>); a group's owners and admins
    /// may recall any message at any time. 1 second to 10 years. The default is 24 hours.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan RecallWindow { get; set; } = TimeSpan.FromHours(24);
}
