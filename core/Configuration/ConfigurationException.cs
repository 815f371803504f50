namespace Moosermail.Core.Configuration;

/// <summary>A setting is missing or malformed; the message names it and says how to fix it.</summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException()
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
