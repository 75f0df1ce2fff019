using TokenIM.Protocol;

namespace TokenIM.Server;

/// <summary>
/// An expected failure, returned as a value (not thrown): the Http layer maps it to Problem Details once,
/// the gateway to an <c>error</c> frame.
/// </summary>
internal sealed record Failure(ErrorCode Code, string Detail)
{
    /// <summary>Per-field messages; set with <see cref="ErrorCode.ValidationFailed"/>.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Set with <see cref="ErrorCode.RateLimited"/>, <see cref="ErrorCode.StoreUnavailable"/> and <see cref="ErrorCode.HookUnavailable"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static Failure Validation(string field, string message) =>
        new(ErrorCode.ValidationFailed, message) { Errors = new Dictionary<string, string[]> { [field] = [message] } };

    public static Failure Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(ErrorCode.ValidationFailed, "One or more fields are invalid.") { Errors = errors };

    public static Failure RateLimited(TimeSpan retryAfter) =>
        new(ErrorCode.RateLimited, "Too many requests; try again later.") { RetryAfter = retryAfter };
}

/// <summary>Either a value or a <see cref="Failure"/>.</summary>
internal readonly struct Result<T>
{
    private Result(T? value, Failure? failure)
    {
        Value = value;
        Error = failure;
    }

    public T? Value { get; }

    public Failure? Error { get; }

    public bool IsSuccess => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Failure failure) => new(default, failure);
}

/// <summary>Success without a value, or a <see cref="Failure"/>.</summary>
internal readonly struct Outcome
{
    private Outcome(Failure? failure) => Error = failure;

    public static Outcome Ok { get; } = new(null);

    public Failure? Error { get; }

    public bool IsSuccess => Error is null;

    public static implicit operator Outcome(Failure failure) => new(failure);
}
