namespace Gateway.Ca;

/// <summary>
/// The CA cannot start with its configuration or the material on disk (wrong passphrase, missing or mismatched files).
/// <see cref="OptionName"/> names the option to look at; the message says what is wrong and where.
/// An <see cref="InvalidOperationException"/>, so hosts that stop cleanly on those stop cleanly on this.
/// </summary>
public sealed class CaConfigurationException : InvalidOperationException
{
    public CaConfigurationException(string optionName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        OptionName = optionName;
    }

    /// <summary>The configuration key to fix, e.g. <c>Gateway:Ca:Passphrase</c>.</summary>
    public string OptionName { get; }
}
