namespace Canaria.Core;
