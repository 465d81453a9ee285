# Gateway server image. Build: docker build -t gateway .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Gateway.Server -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY policies /app/policies
# "Urls", not ASPNETCORE_URLS: appsettings.json sets Urls (localhost:5000/5001 for dotnet run) and would win over the
# ASPNETCORE_-prefixed variable; a plain environment variable is read after appsettings.json.
ENV Urls="http://+:8080;https://+:8443" \
    Gateway__DataDir=/data \
    Gateway__Policies__Path=/app/policies
VOLUME /data
# 8080 HTTP, 8443 HTTPS (EST client certificates), 11111 Orleans silo-to-silo (cluster mode, mutual TLS). No Orleans client
# gateway unless Gateway__Cluster__GatewayPort is set. Listening on every interface, the gateway needs Gateway__PublicBaseUrl.
EXPOSE 8080 8443 11111
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["dotnet", "Gateway.Server.dll"]
