using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Coffre.IntegrationTests.Storage;

/// <summary>
/// A case of the shared storage contract (<see cref="StorageContractTests"/>). It runs for every class deriving the
/// suite; a class whose backend needs a server names that server's fact attribute with <see cref="ServerNeededAttribute"/>,
/// and its cases are skipped with that attribute's reason when the attribute skips (server absent, outside CI). In CI
/// those attributes never skip, so a server that did not start fails the cases.
/// </summary>
[XunitTestCaseDiscoverer("Coffre.IntegrationTests.Storage.ContractFactDiscoverer", "Coffre.IntegrationTests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>The fact attribute (e.g. <c>S3FactAttribute</c>) whose skip decision applies to a contract class's inherited cases.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ServerNeededAttribute(Type factAttribute) : Attribute
{
    /// <summary>The reason to skip, or null when the server is there (or in CI).</summary>
    public string? SkipReason => ((FactAttribute)Activator.CreateInstance(factAttribute)!).Skip;
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var reason = testMethod.TestClass.Class.ToRuntimeType().GetCustomAttribute<ServerNeededAttribute>()?.SkipReason;
        return reason is null
            ? base.CreateTestCase(discoveryOptions, testMethod, factAttribute)
            : new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason);
    }
}
