namespace Canaria.Local;
