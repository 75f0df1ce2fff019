namespace TokenIM.Protocol.Rest;

/// <summary>An RFC 9457 Problem Details body (<c>application/problem+json</c>) as TokenIM sends it.</summary>
/// <param name="Type">A URI naming the problem type (<c>https://tokenim.dev/errors/{code}</c>).</param>
/// <param name="Title">The fixed title of the <see cref="ErrorCode"/>.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">What went wrong in this occurrence, for humans.</param>
/// <param name="Code">The stable <see cref="ErrorCode.Code"/>: switch on this.</param>
/// <param name="Errors">With <c>validation_failed</c>: messages per field (camelCase field names).</param>
/// <param name="RetryAfterMs">With <c>rate_limited</c> and <c>store_unavailable</c>: milliseconds to wait before retrying.</param>
public sealed record ProblemDto(
    string? Type,
    string? Title,
    int Status,
    string? Detail,
    string Code,
    IReadOnlyDictionary<string, string[]>? Errors = null,
    long? RetryAfterMs = null);
