using System.Net;
using OneClick.Core.Protocol;

namespace OneClick.Tests.Core.Protocol;

/// <summary>Which addresses count as the gateway's own network, for URLs and for resolved names alike.</summary>
public sealed class MerchantUrlAddressTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("::10.0.0.1")]
    public void IsInside_private_loopback_and_link_local_addresses_is_true(string address) =>
        MerchantUrl.IsInside(IPAddress.Parse(address)).ShouldBeTrue();

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:2800:220:1::1")]
    [InlineData("::ffff:93.184.216.34")]
    [InlineData("64:ff9b::5db8:d822")] // NAT64 of 93.184.216.34
    public void IsInside_public_addresses_is_false(string address) =>
        MerchantUrl.IsInside(IPAddress.Parse(address)).ShouldBeFalse();

    [Theory]
    [InlineData("http://localhost/p", true)]
    [InlineData("http://shop.localhost/p", true)]
    [InlineData("http://[::1]:8080/p", true)]
    [InlineData("http://169.254.169.254/latest", true)]
    [InlineData("http://merchant.example/p", false)]
    public void PointsInside_judges_the_host_as_written(string url, bool inside) =>
        MerchantUrl.PointsInside(new Uri(url)).ShouldBe(inside);
}
