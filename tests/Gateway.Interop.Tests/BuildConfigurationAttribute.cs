namespace Gateway.Interop.Tests;

/// <summary>The build configuration, so the tests start the server built alongside them.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class BuildConfigurationAttribute(string configuration) : Attribute
{
    public string Configuration { get; } = configuration;
}
