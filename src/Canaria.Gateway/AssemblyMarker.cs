namespace Canaria.Gateway;
